// The kiosk's service worker: keeps the screen (HTML, JS, CSS) and the last configuration
// so that the kiosk reloads without the network. Submissions are not handled here: the
// page queues them in IndexedDB itself (outbox.js), which works with or without this file.
// SHELL_VERSION, SHELL_FILES and CONFIG_PATH are prepended by the server (see
// skm/public/kiosk.py); a new version replaces the old cache.

const CACHE = `skm-kiosk-${SHELL_VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL_FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("skm-kiosk-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Network first (so that updates arrive), the cache when the network fails.
async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL_FILES.includes(url.pathname) || url.pathname === CONFIG_PATH) {
    event.respondWith(networkFirst(request));
  }
});
