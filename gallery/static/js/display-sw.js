// The display screen's service worker: lets a screen that restarts while the server is down start
// again from what it last had. The player itself already keeps playing through network loss; this
// covers a reload or a reboot of the screen's computer.
//
// * images (immutable, content-hashed): from the cache first, stored when fetched;
// * the player page, its script and style: from the network, the cached copy when it fails;
// * the playlist: from the network (a 304 or a newer one); only a cold start without the network gets
//   the cached copy, so a running player still learns that the server is unreachable.
const CACHE = "gallery-display-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function fromCacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

async function fromNetworkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw error;
  }
}

/** Keep only the images the newest playlist still shows. */
async function prune(playlistUrl, playlist) {
  const keys = new Set(playlist.slides.map((slide) => slide.key));
  const base = playlistUrl.replace(/playlist\.json$/, "img/");
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) {
    if (!request.url.startsWith(base)) continue;
    const key = request.url.split("/").pop().replace(/\.jpg$/, "");
    if (!keys.has(key)) await cache.delete(request);
  }
}

async function playlist(request) {
  const cache = await caches.open(CACHE);
  const plain = new Request(request.url);
  try {
    const response = await fetch(request);
    if (response.status === 200) {
      await cache.put(plain, response.clone());
      response.clone().json().then((data) => prune(request.url, data));
    } else if (response.status === 404) {
      await cache.delete(plain); // revoked: nothing of it is kept
    }
    return response;
  } catch (error) {
    if (!request.headers.has("If-None-Match")) {
      const cached = await cache.match(plain);
      if (cached) return cached; // a cold start without the network
    }
    throw error; // a running player must learn the server is unreachable
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  if (url.pathname.startsWith("/display/") && url.pathname.includes("/img/")) {
    event.respondWith(fromCacheFirst(event.request));
  } else if (url.pathname.endsWith("/playlist.json")) {
    event.respondWith(playlist(event.request));
  } else if (url.pathname.startsWith("/display/") || url.pathname.startsWith("/static/")) {
    event.respondWith(fromNetworkFirst(event.request));
  }
});
