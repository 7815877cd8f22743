// The exhibition editor: drag photos to reorder them (the arrow buttons do the same without a mouse).
import { csrfHeaders } from "./gallery.js";

const list = document.getElementById("items");
let dragged = null;

list?.addEventListener("dragstart", (event) => {
  dragged = event.target.closest("li");
  dragged?.classList.add("dragging");
});
list?.addEventListener("dragover", (event) => {
  event.preventDefault();
  const over = event.target.closest("li");
  if (!dragged || !over || over === dragged) return;
  const box = over.getBoundingClientRect();
  const after = event.clientY > box.top + box.height / 2;
  over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
});
list?.addEventListener("dragend", async () => {
  dragged?.classList.remove("dragging");
  dragged = null;
  const photos = [...list.querySelectorAll("li")].map((li) => Number(li.dataset.photo));
  const response = await fetch(list.dataset.orderUrl, {
    method: "POST",
    headers: csrfHeaders({ "Content-Type": "application/json" }),
    body: JSON.stringify({ photos }),
  });
  if (!response.ok) location.reload(); // someone else changed it: show the truth
  // The arrows' disabled state follows the new order.
  const items = [...list.querySelectorAll("li")];
  items.forEach((li, i) => {
    li.querySelector('[value="up"]').disabled = i === 0;
    li.querySelector('[value="down"]').disabled = i === items.length - 1;
  });
});
