// @ts-check
// Registers the service worker (installable app, works without the server for a while).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // Without a secure context (plain http on a LAN address) there is no service worker.
  });
}
