// Shared behaviour of every page: the justified photo grid, the lightbox, and the CSRF header.

/** Return the headers a same-origin request needs to change anything (the CSRF token). */
export function csrfHeaders(extra = {}) {
  const token = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  return { "X-CSRFToken": token, Accept: "application/json", ...extra };
}

/** Lay a grid's cells out in rows of equal height, each cell as wide as its photo's aspect. */
function justify(grid) {
  for (const cell of grid.querySelectorAll(".cell")) {
    const ratio = Number(cell.dataset.w) / Number(cell.dataset.h) || 1.5;
    cell.style.flexGrow = String(ratio);
    cell.style.flexBasis = `${Math.round(ratio * 180)}px`;
  }
  grid.classList.add("justified");
}

/** Open photos of a grid full-screen; arrows, Escape and swipes move through them. */
function lightbox(grid) {
  const cells = [...grid.querySelectorAll(".cell")];
  if (!cells.length) return;
  const words = grid.dataset; // translated labels: data-msg-close, data-msg-next, ...
  const box = document.createElement("div");
  box.className = "lightbox";
  box.hidden = true;
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-modal", "true");
  box.innerHTML = `
    <button type="button" class="lb-close">×</button>
    <button type="button" class="lb-prev">‹</button>
    <figure><img alt=""><figcaption><span class="lb-caption"></span> <span class="lb-credit"></span>
      <a class="lb-open"></a><span class="lb-count"></span></figcaption></figure>
    <button type="button" class="lb-next">›</button>`;
  box.querySelector(".lb-close").setAttribute("aria-label", words.msgClose);
  box.querySelector(".lb-prev").setAttribute("aria-label", words.msgPrevious);
  box.querySelector(".lb-next").setAttribute("aria-label", words.msgNext);
  box.querySelector(".lb-open").textContent = words.msgDetails;
  document.body.append(box);
  const img = box.querySelector("img");
  let at = 0;
  let opener = null;

  function show(index) {
    at = (index + cells.length) % cells.length;
    const cell = cells[at];
    img.src = cell.dataset.display;
    img.alt = cell.dataset.caption;
    box.querySelector(".lb-caption").textContent = cell.dataset.caption;
    box.querySelector(".lb-credit").textContent = cell.dataset.credit;
    box.querySelector(".lb-open").href = cell.href;
    box.querySelector(".lb-count").textContent = `${at + 1} / ${cells.length}`;
    // Preload the neighbours so that moving on is instant.
    for (const near of [cells[(at + 1) % cells.length], cells[(at - 1 + cells.length) % cells.length]]) {
      new Image().src = near.dataset.display;
    }
  }
  function close() {
    box.hidden = true;
    document.body.classList.remove("no-scroll");
    opener?.focus();
  }
  cells.forEach((cell, index) =>
    cell.addEventListener("click", (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      opener = cell;
      box.hidden = false;
      document.body.classList.add("no-scroll");
      show(index);
      box.querySelector(".lb-close").focus();
    }),
  );
  box.querySelector(".lb-close").addEventListener("click", close);
  box.querySelector(".lb-prev").addEventListener("click", () => show(at - 1));
  box.querySelector(".lb-next").addEventListener("click", () => show(at + 1));
  box.addEventListener("click", (event) => {
    if (event.target === box) close();
  });
  document.addEventListener("keydown", (event) => {
    if (box.hidden) return;
    if (event.key === "ArrowRight") show(at + 1);
    else if (event.key === "ArrowLeft") show(at - 1);
    else if (event.key === "Escape") close();
    else return;
    event.preventDefault();
  });
  let startX = null;
  box.addEventListener("touchstart", (event) => (startX = event.touches[0].clientX), { passive: true });
  box.addEventListener("touchend", (event) => {
    if (startX === null) return;
    const dx = event.changedTouches[0].clientX - startX;
    if (Math.abs(dx) > 40) show(dx < 0 ? at + 1 : at - 1);
    startX = null;
  });
}

for (const grid of document.querySelectorAll("[data-justify]")) justify(grid);
for (const grid of document.querySelectorAll("[data-lightbox]")) lightbox(grid);
