// @ts-check
// Shown once everything was deleted: remove what this browser kept as well (the outbox, the
// offline copies, the player's place, the service worker), in case it ignored Clear-Site-Data.
localStorage.clear();
if (window.indexedDB) indexedDB.deleteDatabase("unknot");
if (window.caches) caches.keys().then((keys) => Promise.all(keys.map((key) => caches.delete(key))));
if (navigator.serviceWorker) {
  navigator.serviceWorker.getRegistrations()
    .then((registrations) => Promise.all(registrations.map((r) => r.unregister())));
}
