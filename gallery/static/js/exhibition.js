// The exhibition editor: reorder photos by dragging them (mouse, or a finger on the handle ⠿) or with
// the ↑ ↓ buttons, each saved at once without reloading the page; copy a new display link.
import { csrfHeaders } from "./gallery.js";

const list = document.getElementById("items");
const status = document.getElementById("order-state");
let dragged = null;
let saving = Promise.resolve();

/** Give the arrows the disabled state the order on screen calls for. */
function updateArrows() {
  const items = [...list.querySelectorAll("li")];
  items.forEach((li, i) => {
    li.querySelector('[value="up"]').disabled = i === 0;
    li.querySelector('[value="down"]').disabled = i === items.length - 1;
  });
}

/** Save the order on screen; one request after another, so the last order given is the one kept. */
function saveOrder() {
  updateArrows();
  const photos = [...list.querySelectorAll("li")].map((li) => Number(li.dataset.photo));
  saving = saving.then(async () => {
    try {
      const response = await fetch(list.dataset.orderUrl, {
        method: "POST",
        headers: csrfHeaders({ "Content-Type": "application/json" }),
        body: JSON.stringify({ photos }),
      });
      if (!response.ok) location.reload(); // someone else changed it: show the truth
      else if (status) status.textContent = list.dataset.msgSaved;
    } catch {
      if (status) status.textContent = list.dataset.msgFailed;
    }
  });
  return saving;
}

/** Put the dragged item before or after the item under (x, y). */
function dropAt(x, y) {
  const over = document.elementFromPoint(x, y)?.closest("#items li");
  if (!dragged || !over || over === dragged) return;
  const box = over.getBoundingClientRect();
  const after = y > box.top + box.height / 2;
  over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
}

// A mouse: the browser's own drag and drop.
list?.addEventListener("dragstart", (event) => {
  dragged = event.target.closest("li");
  dragged?.classList.add("dragging");
});
list?.addEventListener("dragover", (event) => {
  event.preventDefault();
  dropAt(event.clientX, event.clientY);
});
list?.addEventListener("dragend", () => {
  dragged?.classList.remove("dragging");
  dragged = null;
  saveOrder();
});

// A finger or a pen on the handle: pointer events (touch screens start no drag and drop of their own).
list?.addEventListener("pointerdown", (event) => {
  const handle = event.target.closest(".handle");
  if (!handle || event.pointerType === "mouse") return;
  event.preventDefault();
  dragged = handle.closest("li");
  dragged.classList.add("dragging");
  handle.setPointerCapture(event.pointerId);
});
list?.addEventListener("pointermove", (event) => {
  if (!dragged || event.pointerType === "mouse") return;
  dropAt(event.clientX, event.clientY);
  // Near the top or bottom of the screen the page scrolls, so a long list can be crossed.
  const edge = 48;
  if (event.clientY < edge) window.scrollBy(0, -12);
  else if (event.clientY > window.innerHeight - edge) window.scrollBy(0, 12);
});
function endTouchDrag(event) {
  if (!dragged || event.pointerType === "mouse") return;
  dragged.classList.remove("dragging");
  dragged = null;
  saveOrder();
}
list?.addEventListener("pointerup", endTouchDrag);
list?.addEventListener("pointercancel", endTouchDrag);

// ↑ ↓: move at once, save in the background; the focus stays on the button pressed.
list?.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (!button || !["up", "down"].includes(button.value)) return; // caption and remove: the form
  event.preventDefault();
  const li = button.closest("li");
  const other = button.value === "up" ? li.previousElementSibling : li.nextElementSibling;
  if (!other) return;
  list.insertBefore(li, button.value === "up" ? other : other.nextSibling);
  saveOrder();
  (button.disabled ? li.querySelector(`[value="${button.value === "up" ? "down" : "up"}"]`) : button).focus();
});

// Copy a display link: the clipboard where the browser allows it (HTTPS, localhost), else selected.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    const state = button.parentNode.querySelector(".copy-state");
    try {
      await navigator.clipboard.writeText(input.value);
      state.textContent = button.dataset.copied;
    } catch {
      input.select();
      state.textContent = document.execCommand("copy") ? button.dataset.copied : button.dataset.failed;
    }
  });
}
