// Shared behaviour of every page: the justified photo grid, the lightbox, ← → on a photo page, and the
// CSRF header. The grid's rows come from flickr's justified-layout (vendor/justified-layout, a classic
// script loaded before this module); the lightbox is PhotoSwipe 5 (vendor/photoswipe), loaded on the
// first click. Without JavaScript the grid still shows every photo whole (see .grid in gallery.css).

/** Return the headers a same-origin request needs to change anything (the CSRF token). */
export function csrfHeaders(extra = {}) {
  const token = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  return { "X-CSRFToken": token, Accept: "application/json", ...extra };
}

const GAP = 4; // px between photos, as in gallery.css
const DISPLAY_EDGE = 1280; // the long edge of the "display" derivative (DERIVATIVE_SIZES)
const SCREEN_EDGE = 2560; // … and of "screen", offered for zooming in

/** Return the aspect ratio a card's data attributes give (the server knows every photo's size). */
function aspect(cell) {
  return Number(cell.dataset.w) / Number(cell.dataset.h) || 1.5;
}

/** Return the cards of a grid: one per photo, each with its data-photo-id. */
function cellsOf(grid) {
  return [...grid.querySelectorAll(":scope > .cell")];
}

/** Lay a grid out in justified rows: every photo whole at its own aspect, rows filling the width.

Sizes come from the cards' data-w/data-h, so the layout is done before any image has loaded, and
redone when the grid's width changes (rotation, a resized window).
*/
function justify(grid) {
  const layout = window.require?.("justified-layout");
  if (!layout) return; // the fallback rows of gallery.css keep each photo whole
  let width = 0;
  function apply() {
    const cells = cellsOf(grid);
    const now = grid.clientWidth;
    if (!now || (now === width && cells.length === grid.justifiedCount)) return;
    width = now;
    grid.justifiedCount = cells.length;
    const phone = now < 640;
    const geometry = layout(cells.map(aspect), {
      containerWidth: now,
      containerPadding: 0,
      boxSpacing: GAP,
      targetRowHeight: phone ? 140 : 220,
      targetRowHeightTolerance: 0.25,
    });
    cells.forEach((cell, index) => {
      const box = geometry.boxes[index];
      cell.style.left = `${box.left}px`;
      cell.style.top = `${box.top}px`;
      cell.style.width = `${box.width}px`;
      cell.style.height = `${box.height}px`;
    });
    grid.style.height = `${geometry.containerHeight}px`;
    grid.classList.add("justified");
  }
  apply();
  new ResizeObserver(apply).observe(grid);
}

/** Return the size of the biggest derivative no larger than ``edge`` of a w × h photo. */
function fitted(w, h, edge) {
  const scale = Math.min(1, edge / Math.max(w, h));
  return { width: Math.round(w * scale), height: Math.round(h * scale) };
}

/** Return PhotoSwipe's slide for a card: its display image (and the screen size for zooming). */
function slideOf(cell) {
  const w = Number(cell.dataset.w) || 1500;
  const h = Number(cell.dataset.h) || 1000;
  const thumb = cell.querySelector("img");
  const slide = { src: cell.dataset.display, alt: cell.dataset.caption, element: cell, msrc: thumb?.currentSrc };
  if (cell.dataset.screen) {
    Object.assign(slide, fitted(w, h, SCREEN_EDGE));
    slide.srcset = `${cell.dataset.display} ${fitted(w, h, DISPLAY_EDGE).width}w, ${cell.dataset.screen} ${slide.width}w`;
  } else Object.assign(slide, fitted(w, h, DISPLAY_EDGE));
  return slide;
}

/** Fill the lightbox caption of a card: caption, credit, event and date, and a link to the photo. */
function fillCaption(box, cell, grid) {
  const words = grid.dataset;
  const line = (className, text) => {
    const span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  };
  const parts = [];
  if (cell.dataset.caption) parts.push(line("lb-caption", cell.dataset.caption));
  if (cell.dataset.credit) parts.push(line("lb-credit", cell.dataset.credit));
  const event = cell.dataset.event ?? words.event;
  const date = cell.dataset.date ?? words.date;
  if (event || date) parts.push(line("lb-event", [event, date].filter(Boolean).join(" · ")));
  const open = Object.assign(document.createElement("a"), { className: "lb-open", href: cell.href });
  open.textContent = words.msgDetails;
  parts.push(open);
  box.replaceChildren(...parts);
}

/** Open a grid's photos full-screen at ``index``: swipe, pinch-zoom, arrows, Escape (PhotoSwipe). */
async function openLightbox(grid, index) {
  const { default: PhotoSwipe } = await import("../vendor/photoswipe/photoswipe.esm.min.js");
  const cells = cellsOf(grid);
  const words = grid.dataset; // translated labels: data-msg-close, data-msg-next, ...
  const pswp = new PhotoSwipe({
    dataSource: cells.map(slideOf),
    index,
    bgOpacity: 1, // nothing of the page behind distracts from the photo
    closeTitle: words.msgClose,
    zoomTitle: words.msgZoom,
    arrowPrevTitle: words.msgPrevious,
    arrowNextTitle: words.msgNext,
    errorMsg: words.msgError,
    indexIndicatorSep: " / ",
    paddingFn: (viewport) => (viewport.x < 640 ? { top: 48, bottom: 96, left: 0, right: 0 } : { top: 56, bottom: 96, left: 72, right: 72 }),
  });
  pswp.on("uiRegister", () => {
    pswp.ui.registerElement({
      name: "caption",
      className: "lb-text",
      order: 9,
      isButton: false,
      appendTo: "root",
      onInit: (box) => {
        box.setAttribute("aria-live", "polite");
        pswp.on("change", () => fillCaption(box, cells[pswp.currIndex], grid));
      },
    });
  });
  // While it is open, a sideways swipe belongs to the lightbox, never to the browser's "back".
  document.documentElement.classList.add("lightbox-open");
  pswp.on("destroy", () => document.documentElement.classList.remove("lightbox-open"));
  // Keys and the close button answer once the opening animation is over: mark that moment.
  pswp.on("openingAnimationEnd", () => pswp.element.classList.add("lb-ready"));
  pswp.init();
}

/** Open a grid's photos in the lightbox on a plain click (a new tab and form controls keep theirs). */
function lightbox(grid) {
  grid.addEventListener("click", (event) => {
    const cell = event.target.closest(".cell");
    if (!cell || cell.parentElement !== grid || event.defaultPrevented) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) return;
    if (event.target.closest("input, label, button, select")) return; // e.g. bulk.js's checkboxes
    event.preventDefault();
    openLightbox(grid, cellsOf(grid).indexOf(cell));
  });
}

/** On a photo's page, ← and → go to the previous and next photo of its event. */
function photoKeys() {
  const links = { ArrowLeft: 'a[rel="prev"]', ArrowRight: 'a[rel="next"]' };
  document.addEventListener("keydown", (event) => {
    if (!(event.key in links) || event.defaultPrevented) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    if (event.target.closest?.("input, textarea, select, [contenteditable]")) return;
    const link = document.querySelector(`.photo-page .pager ${links[event.key]}`);
    if (!link) return;
    event.preventDefault();
    window.location.assign(link.href);
  });
}

for (const grid of document.querySelectorAll("[data-justify]")) justify(grid);
for (const grid of document.querySelectorAll("[data-lightbox]")) lightbox(grid);
if (document.querySelector(".photo-page")) photoKeys();
