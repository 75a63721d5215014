// @ts-check
// The JSON API as the player calls it: a failed call is an ApiError carrying the status and the
// problem's detail; a network failure stays a TypeError (the server cannot be reached).

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * @param {Response} response
 * @returns {Promise<any>}
 */
async function answer(response) {
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data.detail || response.statusText);
  return data;
}

/**
 * @param {string} url
 * @returns {Promise<any>}
 */
export async function getJSON(url) {
  return answer(await fetch(url, { headers: { Accept: "application/json" } }));
}

/**
 * @param {string} url
 * @param {unknown} body
 * @returns {Promise<any>}
 */
export async function postJSON(url, body) {
  return answer(await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  }));
}
