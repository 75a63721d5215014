// @ts-check
// Registers the service worker (installable app, works without the server for a while).
if ("serviceWorker" in navigator) {
  // On the shared server the worker keeps nobody's records offline (see sw.js).
  const shared = document.querySelector('meta[name="unknot-shared"]') ? "?shared=1" : "";
  navigator.serviceWorker.register(`/sw.js${shared}`, { scope: "/" }).catch(() => {
    // Without a secure context (plain http on a LAN address) there is no service worker.
  });
}
