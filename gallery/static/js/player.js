// The exhibition player for unattended display screens. Plain JavaScript, no framework.
//
// It plays the slides it has, whatever the network does: the playlist is polled (with its ETag) and a
// new one takes effect at the next slide; when the server cannot be reached the player keeps cycling
// and retries with backoff. Images are decoded before they are shown, and a slide whose image fails
// is skipped, so the screen never shows a broken image. Two <figure> layers are reused for ever, and
// only the next two images are held, so memory stays flat however long it runs.

const root = document.getElementById("player");
const text = Object.fromEntries(
  Object.entries(root.dataset)
    .filter(([key]) => key.startsWith("msg"))
    .map(([key, value]) => [key[3].toLowerCase() + key.slice(4), value]),
);
const layers = [...root.querySelectorAll(".slide")];
const titleSlide = root.querySelector(".title-slide");
const notice = root.querySelector(".notice");
const MAX_BACKOFF = 300;

const state = {
  playlist: null, // what is playing
  pending: null, // a newer playlist, taken at the next slide
  etag: "",
  order: [], // indexes into playlist.slides for this loop
  at: -1, // position in order
  current: null, // key of the slide on screen
  front: 0, // which layer is visible
  paused: false,
  stopped: false,
  failures: 0,
  timer: 0,
  pollTimer: 0,
  shown: 0, // slides shown since the page loaded
  busy: false, // a step is under way (a key pressed during a transition waits for none)
};
const ready = new Map(); // key → Promise<boolean>: the next images, decoded

function settings() {
  return state.playlist?.settings ?? { seconds: 8, poll_seconds: 30 };
}

/** Return the URL of a slide's image at the size this screen needs. */
function imageUrl(slide) {
  const long = Math.max(screen.width, screen.height) * (window.devicePixelRatio || 1);
  const size = long > 1400 ? "screen" : "display";
  return root.dataset.images.replace("SIZE", size).replace("KEY", slide.key);
}

/** Load and decode a slide's image; resolve true when it can be shown. */
function prepare(slide) {
  if (!ready.has(slide.key)) {
    const img = new Image();
    img.src = imageUrl(slide);
    const done = img.decode().then(
      () => true,
      () => {
        ready.delete(slide.key); // try again next time round
        return false;
      },
    );
    ready.set(slide.key, done);
  }
  return ready.get(slide.key);
}

function shuffle(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

function newOrder() {
  const indexes = state.playlist.slides.map((_, i) => i);
  return settings().order === "shuffle" ? shuffle(indexes) : indexes;
}

/** Take a newer playlist: keep playing from the slide on screen, in the new order. */
function adopt(playlist) {
  state.playlist = playlist;
  state.pending = null;
  root.classList.toggle("portrait", playlist.settings.orientation === "portrait");
  root.classList.toggle("cut", playlist.settings.transition === "cut");
  root.classList.toggle("cover", playlist.settings.fit === "cover");
  root.classList.toggle("no-overlay", !playlist.settings.overlay);
  // A cross-fade takes at most a third of a slide's time, so each photo is seen whole.
  root.style.setProperty("--fade", `${Math.min(1.2, playlist.settings.seconds / 3)}s`);
  state.order = newOrder();
  const here = state.order.findIndex((i) => playlist.slides[i].key === state.current);
  state.at = here; // -1 when the slide on screen is gone: start from the beginning
  const keys = new Set(playlist.slides.map((s) => s.key));
  for (const key of ready.keys()) if (!keys.has(key)) ready.delete(key);
}

function credit(slide) {
  const s = settings();
  const parts = [];
  if (slide.photographer) parts.push(text.photoBy.replace("NAME", slide.photographer));
  if (s.show_event && slide.event) parts.push(slide.event);
  if (s.show_date && slide.date) parts.push(slide.date);
  return parts.join(" · ");
}

function showNotice(message) {
  notice.textContent = message;
  notice.hidden = !message;
}

function showTitle() {
  const p = state.playlist;
  titleSlide.querySelector("h1").textContent = p.title;
  titleSlide.querySelector(".dates").textContent = p.dates;
  titleSlide.querySelector(".intro").textContent = p.introduction;
  titleSlide.hidden = false;
  for (const layer of layers) layer.classList.remove("shown");
  state.current = "title";
  root.dataset.current = "title";
}

/** Put a slide on the hidden layer and, once its image is decoded there, bring it forward. */
async function present(slide) {
  const back = layers[1 - state.front];
  const img = back.querySelector("img");
  img.src = imageUrl(slide);
  try {
    await img.decode(); // at once when preloaded; fails rather than show a broken image
  } catch {
    ready.delete(slide.key);
    return false;
  }
  img.alt = slide.caption;
  back.querySelector(".caption").textContent = slide.caption;
  back.querySelector(".credit").textContent = credit(slide);
  titleSlide.hidden = true;
  back.classList.add("shown");
  layers[state.front].classList.remove("shown");
  state.front = 1 - state.front;
  state.current = slide.key;
  state.shown += 1;
  root.dataset.current = slide.key;
  root.dataset.shown = String(state.shown);
  return true;
}

function schedule(seconds = settings().seconds) {
  clearTimeout(state.timer);
  if (!state.paused && !state.stopped) state.timer = setTimeout(() => advance(1), seconds * 1000);
}

/** Show the next (or previous) slide that can be shown, skipping any whose image fails. */
async function advance(step = 1) {
  if (state.stopped || state.busy) return;
  state.busy = true;
  try {
    await move(step);
  } finally {
    state.busy = false;
  }
}

/** One step of advance(): title slide at the start of a loop, broken images skipped. */
async function move(step) {
  if (state.pending) adopt(state.pending);
  const slides = state.playlist?.slides ?? [];
  if (!slides.length) {
    showNotice(text.empty);
    schedule(settings().poll_seconds);
    return;
  }
  showNotice(state.paused ? text.paused : "");
  for (let tries = 0; tries < slides.length; tries++) {
    let next = state.at + step;
    const wrapping = next >= state.order.length || next < 0;
    const starting = state.current === null && step > 0;
    if (step > 0 && (wrapping || starting)) {
      if (wrapping && !settings().loop) return; // the end: stay on the last slide
      if (wrapping) state.order = newOrder();
      next = 0;
      if (settings().title_slide && state.current !== "title") {
        state.at = -1;
        showTitle(); // the title and introduction open every loop
        schedule();
        return;
      }
    } else if (wrapping) {
      next = state.order.length - 1;
    }
    state.at = next;
    const slide = slides[state.order[next]];
    if ((await prepare(slide)) && (await present(slide))) {
      for (let k = 1; k <= 2; k++) prepare(slides[state.order[(next + k) % state.order.length]]);
      schedule();
      return;
    }
    step = step > 0 ? 1 : -1; // skip the broken one
  }
  schedule(); // nothing can be shown now: keep what is on screen and try again later
}

/** Ask for the playlist; a changed one takes effect at the next slide. */
async function poll() {
  clearTimeout(state.pollTimer);
  let wait = settings().poll_seconds;
  try {
    const response = await fetch(root.dataset.playlist, {
      headers: state.etag ? { "If-None-Match": state.etag } : {},
      cache: "no-store",
    });
    if (response.status === 404 || response.status === 410) {
      stop(text.revoked);
      return;
    }
    if (response.status === 200) {
      const playlist = await response.json();
      state.etag = response.headers.get("ETag") ?? "";
      keepOffline(playlist);
      if (!state.playlist) {
        adopt(playlist);
        advance(1);
      } else {
        state.pending = playlist;
      }
      wait = playlist.settings.poll_seconds;
    } else if (response.status !== 304) {
      throw new Error(`playlist answered ${response.status}`);
    }
    state.failures = 0;
  } catch {
    state.failures += 1; // unreachable: keep playing what we have, ask again later
    wait = Math.min(MAX_BACKOFF, settings().poll_seconds * 2 ** Math.min(state.failures, 8));
  }
  root.dataset.failures = String(state.failures);
  state.pollTimer = setTimeout(poll, wait * 1000);
}

function stop(message) {
  state.stopped = true;
  clearTimeout(state.timer);
  for (const layer of layers) {
    layer.classList.remove("shown");
    layer.querySelector("img").removeAttribute("src");
  }
  titleSlide.hidden = true;
  ready.clear();
  showNotice(message);
  root.dataset.current = "stopped";
}

function togglePause() {
  state.paused = !state.paused;
  showNotice(state.paused ? text.paused : "");
  if (state.paused) clearTimeout(state.timer);
  else schedule();
}

document.addEventListener("keydown", (event) => {
  const keys = {
    ArrowRight: () => advance(1),
    PageDown: () => advance(1),
    ArrowLeft: () => advance(-1),
    PageUp: () => advance(-1),
    " ": togglePause,
    f: () => (document.fullscreenElement ? document.exitFullscreen() : root.requestFullscreen?.()),
  };
  const action = keys[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

// Keep the screen awake where the browser allows it; the lock is lost when the page is hidden.
async function stayAwake() {
  try {
    await navigator.wakeLock?.request("screen");
  } catch {
    /* not offered here: the screen's own settings decide */
  }
}
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") stayAwake();
});
stayAwake();

// A screen restarted while the server is down starts again from what it had (display links only:
// service workers need HTTPS or localhost, so elsewhere the screen relies on the above alone).
const worker = root.dataset.worker && "serviceWorker" in navigator ? navigator.serviceWorker : null;

/** Ask the worker to keep the page, its parts, the playlist and all its images, from the first load. */
function keepOffline(playlist) {
  if (!worker) return;
  const absolute = (url) => new URL(url, location.href).href;
  const parts = [...document.querySelectorAll("link[rel=stylesheet], script[src]")];
  worker.ready.then((registration) =>
    registration.active?.postMessage({
      type: "keep",
      parts: [location.href, ...parts.map((element) => element.href || element.src)],
      playlist: absolute(root.dataset.playlist),
      images: playlist.slides.map((slide) => absolute(imageUrl(slide))),
    }),
  );
}

if (worker) {
  worker.addEventListener("message", (event) => {
    // How much of the exhibition would play offline: "kept/of" images.
    if (event.data?.type === "kept") root.dataset.kept = `${event.data.images}/${event.data.of}`;
  });
  worker.startMessages();
  worker.register(root.dataset.worker).catch(() => {});
}

// For tests and the curious: the player's state and its step function.
window.galleryPlayer = { state, advance };
poll();
