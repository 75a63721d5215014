// @ts-check
// Passkeys (issue 20): the server's WebAuthn options go to navigator.credentials, and what the
// authenticator made or signed goes back, each binary field as base64url.

/** @param {string} text @returns {ArrayBuffer} */
function bytes(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  const raw = atob(padded);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) out[i] = raw.charCodeAt(i);
  return out.buffer;
}

/** @param {ArrayBuffer} buffer @returns {string} */
function text(buffer) {
  let raw = "";
  for (const byte of new Uint8Array(buffer)) raw += String.fromCharCode(byte);
  return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * @param {string} url
 * @param {unknown} body
 * @returns {Promise<any>}
 */
async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.detail || `${response.status}`);
  return data;
}

/** @param {string} message */
function say(message) {
  const status = document.getElementById("passkey-status");
  if (status) status.textContent = message;
}

async function addPasskey() {
  const made = await post("/api/v1/passkeys/options", {});
  const options = JSON.parse(made.options);
  /** @type {PublicKeyCredentialCreationOptions} */
  const publicKey = {
    ...options,
    challenge: bytes(options.challenge),
    user: { ...options.user, id: bytes(options.user.id) },
    excludeCredentials: (options.excludeCredentials || []).map(
      (/** @type {{id: string, type: "public-key"}} */ c) => ({ ...c, id: bytes(c.id) }),
    ),
  };
  const credential = await navigator.credentials.create({ publicKey });
  if (!(credential instanceof PublicKeyCredential)) throw new Error("no passkey was made");
  const response = /** @type {AuthenticatorAttestationResponse} */ (credential.response);
  const nameField = document.getElementById("passkey-name");
  await post("/api/v1/passkeys", {
    challenge_id: made.challenge_id,
    name: nameField instanceof HTMLInputElement ? nameField.value : "Passkey",
    credential: {
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: text(response.clientDataJSON),
        attestationObject: text(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : [],
      },
    },
  });
  window.location.reload();
}

async function signIn() {
  const made = await post("/api/v1/sign-in/passkey/options", {});
  const options = JSON.parse(made.options);
  /** @type {PublicKeyCredentialRequestOptions} */
  const publicKey = { ...options, challenge: bytes(options.challenge), allowCredentials: [] };
  const credential = await navigator.credentials.get({ publicKey });
  if (!(credential instanceof PublicKeyCredential)) throw new Error("no passkey answered");
  const response = /** @type {AuthenticatorAssertionResponse} */ (credential.response);
  const next = document.querySelector('input[name="next"]');
  const done = await post("/api/v1/sign-in/passkey", {
    challenge_id: made.challenge_id,
    next: next instanceof HTMLInputElement ? next.value : "/",
    credential: {
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: text(response.clientDataJSON),
        authenticatorData: text(response.authenticatorData),
        signature: text(response.signature),
        userHandle: response.userHandle ? text(response.userHandle) : null,
      },
    },
  });
  window.location.assign(done.next);
}

for (const [id, action] of /** @type {const} */ ([["add-passkey", addPasskey], ["passkey-sign-in", signIn]])) {
  const button = document.getElementById(id);
  if (!button) continue;
  if (!window.PublicKeyCredential) {
    button.hidden = true;
    continue;
  }
  button.addEventListener("click", () => {
    say("Waiting for your passkey…");
    action().catch((/** @type {Error} */ error) => say(`No passkey: ${error.message}`));
  });
}
