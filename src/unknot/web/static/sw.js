// Service worker: keeps the app shell and today's plan available when the server is not.
const CACHE = "unknot-shell-v1";
const SHELL = ["/player", "/today", "/static/app.css", "/static/js/player.js", "/static/js/outbox.js",
  "/static/js/api.js", "/static/js/session.js", "/static/js/sound.js", "/static/js/view.js",
  "/static/js/register.js", "/static/icon.svg", "/manifest.webmanifest"];

// On the shared server (registered as /sw.js?shared=1) several people may use one browser, and
// a cache has no account: only what is nobody's (static files, figures) is kept there.
const SHARED = new URL(self.location.href).searchParams.has("shared");
const PAGES = ["/player", "/today"];
const INSTALLED = SHARED ? SHELL.filter((path) => !PAGES.includes(path)) : SHELL;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(INSTALLED)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Only what the player needs offline is kept: the shell, its figures, today's plan and the
// unfinished session. Other pages (progress, your data, history) hold health data the player
// does not need, so they are never written to the cache (issue 13).
const OFFLINE = SHARED
  ? new Set()
  : new Set([...SHELL, "/api/v1/plan/today", "/api/v1/sessions/active"]);

function cacheable(url) {
  return OFFLINE.has(url.pathname) || url.pathname.startsWith("/static/")
    || url.pathname.startsWith("/figures/");
}

// Network first, falling back to the cache; writes are never cached (the page's outbox
// retries them).
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !cacheable(url)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request).then((hit) => hit || Response.error())),
  );
});
