// The display screen's service worker: lets a screen that restarts while the server is down start
// again from what it last had, from the very first time it was opened. The player itself already
// keeps playing through network loss; this covers a reload or a reboot of the screen's computer.
//
// * On the first load the player tells the worker what it is made of (its page, script, style and
//   playlist) and which images the playlist shows: the worker keeps all of them, the images a few at a
//   time in the background, so a whole exhibition plays offline however little of it was seen.
// * images (immutable, content-hashed): from the cache first, stored when fetched;
// * the player page, its script and style: from the network, the cached copy when it fails;
// * the playlist: from the network (a 304 or a newer one); only a cold start without the network gets
//   the cached copy, so a running player still learns that the server is unreachable.
const CACHE = "gallery-display-v1";
const AT_ONCE = 3; // images fetched at the same time when keeping a playlist: polite to the server

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function fromCacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreVary: true });
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
    const cached = await cache.match(request, { ignoreVary: true });
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
      const cached = await cache.match(plain, { ignoreVary: true });
      if (cached) return cached; // a cold start without the network
    }
    throw error; // a running player must learn the server is unreachable
  }
}

/** Fetch and store one URL unless it is cached already (or always, for the page and its parts). */
async function keepOne(cache, url, always) {
  if (!always && (await cache.match(url, { ignoreVary: true }))) return true;
  try {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok) return false;
    await cache.put(url, response);
    return true;
  } catch {
    return false; // the server went away meanwhile: what is kept stays, the rest waits for later
  }
}

/**
 * Keep what the player needs to start again: its page, script, style and playlist, then every image
 * of the playlist, AT_ONCE at a time. Answer the player with how many images are kept.
 */
async function keep({ parts, playlist: playlistUrl, images }, client) {
  const cache = await caches.open(CACHE);
  await Promise.all(parts.map((url) => keepOne(cache, url, true)));
  if (playlistUrl && !(await cache.match(playlistUrl, { ignoreVary: true }))) {
    await keepOne(cache, playlistUrl, true);
  }
  const queue = [...images];
  let kept = 0;
  async function worker() {
    while (queue.length) {
      if (await keepOne(cache, queue.shift(), false)) kept += 1;
    }
  }
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
  client?.postMessage({ type: "kept", images: kept, of: images.length });
}

self.addEventListener("message", (event) => {
  if (event.data?.type === "keep") event.waitUntil(keep(event.data, event.source));
});

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
