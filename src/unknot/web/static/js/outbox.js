// The outbox: every write goes to IndexedDB first, then to the server, retried until it lands.
// Each entry carries an idempotency key, so a write repeated after a lost answer is stored once.

const DB_NAME = "unknot";
const STORE = "outbox";
let opened = null;

function database() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opened;
}

async function transaction(mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}

export async function pending() {
  return (await transaction("readonly", (store) => store.getAll())) || [];
}

export async function enqueue(key, url, body) {
  await transaction("readwrite", (store) => store.put({ key, url, body, queuedAt: Date.now() }));
  flush();
}

let flushing = null;

export function flush() {
  if (!flushing) {
    flushing = (async () => {
      const entries = (await pending()).sort((a, b) => a.queuedAt - b.queuedAt);
      for (const entry of entries) {
        let response;
        try {
          response = await fetch(entry.url, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(entry.body),
          });
        } catch {
          break; // the server cannot be reached: keep everything, try again later
        }
        if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)) {
          // Stored, or refused for good (a bad request does not get better by retrying).
          await transaction("readwrite", (store) => store.delete(entry.key));
        } else {
          break;
        }
      }
    })().finally(() => { flushing = null; });
  }
  return flushing;
}

window.addEventListener("online", () => flush());
setInterval(() => flush(), 3000);
