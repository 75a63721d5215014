// @ts-check
// The outbox: every write goes to IndexedDB first, then to the server, retried until it lands.
// Each entry carries an idempotency key, so a write repeated after a lost answer is stored once.

const DB_NAME = "unknot";
const STORE = "outbox";

/** @typedef {{key: string, url: string, body: unknown, queuedAt: number, order: number, account?: string}} Entry */

/**
 * The signed-in account this page belongs to (the shared server's pages name it in a meta tag;
 * the local app's name none). An entry is sent only under the account it was queued under:
 * on a shared device, one person's unsent check-in must never land in the next person's records.
 * @returns {string}
 */
export function pageAccount() {
  const meta = document.querySelector('meta[name="unknot-account"]');
  return meta instanceof HTMLMetaElement ? meta.content : "";
}

export class Outbox {
  constructor() {
    /** @type {Promise<IDBDatabase> | null} */
    this.opened = null;
    /** @type {Promise<void> | null} */
    this.flushing = null;
    // Entries queued in the same millisecond keep the order they were queued in.
    this.order = 0;
  }

  /** Retry every few seconds and whenever the browser says it is back online. */
  run() {
    window.addEventListener("online", () => this.flush());
    setInterval(() => this.flush(), 3000);
    return this.flush();
  }

  /** @returns {Promise<IDBDatabase>} */
  database() {
    if (!this.opened) {
      this.opened = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return this.opened;
  }

  /**
   * @template T
   * @param {IDBTransactionMode} mode
   * @param {(store: IDBObjectStore) => IDBRequest<T> | void} work
   * @returns {Promise<T | undefined>}
   */
  async transaction(mode, work) {
    const db = await this.database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }

  /** @returns {Promise<Entry[]>} */
  async pending() {
    return (await this.transaction("readonly", (store) => store.getAll())) || [];
  }

  /**
   * @param {string} key
   * @param {string} url
   * @param {unknown} body
   */
  async enqueue(key, url, body) {
    this.order += 1;
    const entry = { key, url, body, queuedAt: Date.now(), order: this.order, account: pageAccount() };
    await this.transaction("readwrite", (store) => store.put(entry));
    this.flush();
  }

  /** @returns {Promise<void>} */
  flush() {
    if (!this.flushing) {
      this.flushing = this.deliver().finally(() => { this.flushing = null; });
    }
    return this.flushing;
  }

  /** @returns {Promise<Entry[]>} this page's account's entries, oldest first */
  async mine() {
    const account = pageAccount();
    return (await this.pending()).filter((entry) => (entry.account || "") === account).sort((a, b) => a.queuedAt - b.queuedAt || (a.order || 0) - (b.order || 0));
  }

  async deliver() {
    for (const entry of await this.mine()) {
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
      // 401: the sign-in ended (on the shared server); kept, and sent again once signed in.
      const kept = [401, 408, 429];
      const refused = response.status >= 400 && response.status < 500 && !kept.includes(response.status);
      if (response.ok || refused) {
        // Stored, or refused for good (a bad request does not get better by retrying).
        await this.transaction("readwrite", (store) => store.delete(entry.key));
      } else {
        break;
      }
    }
  }
}
