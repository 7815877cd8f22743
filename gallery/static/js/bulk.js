// Selecting many photos on a page and acting on all of them in one request (the selection bar).
//
// The cards are the page's elements with data-photo-id (grid cells, search hits); the grid's own
// script (gallery.js) is left alone: while selecting, a click on a card is caught on its way down
// (the capture phase, on the document) before any lightbox sees it. Click toggles a photo,
// shift-click (or the Range button, then a tap) selects every photo between it and the last one.

const bar = document.getElementById("bulk-bar");
const start = document.getElementById("bulk-start");
const onPage = [...document.querySelectorAll("[data-photo-id]")];
// A photographer may change only their own photos: the bar lists them; the others stay unselectable.
const own = "own" in bar.dataset ? new Set(bar.dataset.own.split(",").filter(Boolean)) : null;
const cards = own ? onPage.filter((card) => own.has(card.dataset.photoId)) : onPage;
const words = bar.dataset; // translated labels: data-msg-none, data-msg-many, ...
const selected = new Set();
let anchor = null; // index of the card toggled last: one end of a shift-click range
let selecting = false;

const count = bar.querySelector(".bulk-count");
const rangeButton = bar.querySelector('[data-bulk="range"]');
const apply = bar.querySelector('button[type="submit"]');
const action = bar.querySelector('select[name="action"]');

/** Show how many photos are selected, and let the action apply only when some are. */
function refresh() {
  const n = selected.size;
  count.textContent = n === 0 ? words.msgNone : n === 1 ? words.msgOne : words.msgMany.replace("{n}", n);
  apply.disabled = n === 0;
  bar.querySelector('input[name="ids"]').value = [...selected].join(",");
  for (const card of cards) {
    const on = selected.has(card.dataset.photoId);
    card.classList.toggle("bulk-selected", on);
    card.setAttribute("aria-checked", String(on));
  }
}

/** Enter or leave selecting: cards become checkboxes, the bar shows, the Select button hides. */
function setSelecting(on) {
  selecting = on;
  document.body.classList.toggle("bulk-on", on);
  bar.hidden = !on;
  start.hidden = on || !cards.length;
  for (const card of onPage) card.classList.toggle("bulk-locked", on && !cards.includes(card));
  for (const card of cards) {
    if (on) {
      // The tick sits in the card's corner: it needs a positioned card, whatever the grid does.
      if (getComputedStyle(card).position === "static") card.style.position = "relative";
      card.setAttribute("role", "checkbox");
      card.setAttribute("aria-label", card.dataset.caption || card.querySelector("img")?.alt || words.msgSelect);
      if (!card.hasAttribute("tabindex") && card.tagName !== "A") card.tabIndex = 0;
    } else {
      card.removeAttribute("role");
      card.removeAttribute("aria-checked");
    }
  }
  if (!on) {
    selected.clear();
    anchor = null;
    setRange(false);
  }
  refresh();
}

function setRange(on) {
  rangeButton.setAttribute("aria-pressed", String(on));
}

/** Toggle one card, or with ``range`` select every card from the last one toggled to this one. */
function choose(index, range) {
  const id = cards[index].dataset.photoId;
  if (range && anchor !== null) {
    const [from, to] = anchor < index ? [anchor, index] : [index, anchor];
    for (const card of cards.slice(from, to + 1)) selected.add(card.dataset.photoId);
  } else if (selected.has(id)) {
    selected.delete(id);
  } else {
    selected.add(id);
  }
  anchor = index;
  setRange(false);
  refresh();
}

document.addEventListener(
  "click",
  (event) => {
    if (!selecting) return;
    const card = event.target.closest("[data-photo-id]");
    if (!card || bar.contains(card)) return;
    event.preventDefault();
    event.stopPropagation(); // no lightbox, no link while selecting
    const index = cards.indexOf(card);
    if (index >= 0) choose(index, event.shiftKey || rangeButton.getAttribute("aria-pressed") === "true");
  },
  true,
);

document.addEventListener("keydown", (event) => {
  if (!selecting) return;
  if (event.key === "Escape" && !event.defaultPrevented) {
    setSelecting(false);
    start.focus();
    return;
  }
  const card = event.target.closest?.("[data-photo-id]");
  if (card && cards.includes(card) && event.key === " ") {
    event.preventDefault(); // Space ticks a checkbox; it must not scroll the page
    choose(cards.indexOf(card), event.shiftKey);
  }
});

/** Show only the field the chosen action needs; the others are disabled, so not sent. */
function showField() {
  for (const field of bar.querySelectorAll(".bulk-value")) {
    const wanted = field.dataset.actions.split(" ").includes(action.value);
    field.hidden = !wanted;
    for (const input of field.querySelectorAll("input, select")) input.disabled = !wanted;
  }
}

start.addEventListener("click", () => setSelecting(true));
bar.querySelector('[data-bulk="done"]').addEventListener("click", () => setSelecting(false));
bar.querySelector('[data-bulk="all"]').addEventListener("click", () => {
  for (const card of cards) selected.add(card.dataset.photoId);
  refresh();
});
rangeButton.addEventListener("click", () =>
  setRange(rangeButton.getAttribute("aria-pressed") !== "true"),
);
action.addEventListener("change", showField);
bar.addEventListener("submit", (event) => {
  if (!selected.size || (action.value === "trash" && !window.confirm(words.msgTrash))) {
    event.preventDefault();
    return;
  }
  apply.disabled = true; // one request, even if the button is tapped twice
});

showField();
setSelecting(false);
