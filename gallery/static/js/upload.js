// The upload page: one request per file with its own progress bar, a few at a time; then a table to
// caption what arrived. Every outcome is shown per file: imported, duplicate (linked) or failed.
import { csrfHeaders } from "./gallery.js";

const PARALLEL = 3;
const root = document.getElementById("upload");
// Translated messages come from the page's data-msg-* attributes: data-msg-too-big → msg.tooBig.
const msg = Object.fromEntries(
  Object.entries(root.dataset)
    .filter(([key]) => key.startsWith("msg"))
    .map(([key, value]) => [key[3].toLowerCase() + key.slice(4), value]),
);
const limit = Number(root.dataset.limit) || Infinity;
const eventSelect = document.getElementById("event");
const photographer = document.getElementById("photographer");
const list = document.getElementById("file-list");
const summary = document.getElementById("summary");
const retryButton = document.getElementById("retry");
const batchRows = document.getElementById("batch-rows");
const queue = [];
const items = [];
const captioned = new Set();
let running = 0;

/** Offer the event's credited photographers. The uploader's own person comes first: an event's
 * 图 credit fills the box only for an uploader who is nobody's person, and only when it is one. */
function photographersOfEvent() {
  const option = eventSelect.selectedOptions[0];
  const names = option?.dataset.photographers ? option.dataset.photographers.split("|") : [];
  const datalist = document.getElementById("photographers");
  datalist.replaceChildren(...names.map((name) => Object.assign(document.createElement("option"), { value: name })));
  const hint = document.getElementById("photographer-hint");
  const own = photographer.dataset.default;
  if (!photographer.dataset.touched) photographer.value = own || (names.length === 1 ? names[0] : "");
  hint.textContent = !own && names.length > 1 ? `${msg.several} ${names.join("、")}` : "";
}
eventSelect.addEventListener("change", photographersOfEvent);
photographer.addEventListener("input", () => (photographer.dataset.touched = "1"));
photographersOfEvent();

document.getElementById("create-event").addEventListener("click", async () => {
  const error = document.getElementById("new-event-error");
  error.textContent = "";
  const body = {
    title: document.getElementById("new-title").value,
    date: document.getElementById("new-date").value,
    kind: document.getElementById("new-kind").value,
    place: document.getElementById("new-place").value,
  };
  const response = await fetch("/api/v1/events", {
    method: "POST",
    headers: csrfHeaders({ "Content-Type": "application/json" }),
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) {
    error.textContent = data.error;
    return;
  }
  const option = new Option(`${data.start_date} ${data.title}`, data.slug, true, true);
  eventSelect.prepend(option);
  eventSelect.value = data.slug;
  document.getElementById("new-event").open = false;
  photographersOfEvent();
});

function formatSize(bytes) {
  return bytes > 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Add files to the queue, each with its row and progress bar. */
function addFiles(files) {
  const problem = document.getElementById("upload-error");
  problem.textContent = eventSelect.value ? "" : msg.choose;
  if (!eventSelect.value) {
    eventSelect.focus();
    return;
  }
  document.getElementById("progress").hidden = false;
  for (const file of files) {
    const row = document.createElement("li");
    row.className = "file waiting";
    row.innerHTML = `<span class="name"></span> <span class="size"></span>
      <progress max="100" value="0"></progress> <span class="status"></span>`;
    row.querySelector(".name").textContent = file.name;
    row.querySelector(".size").textContent = formatSize(file.size);
    row.querySelector(".status").textContent = msg.waiting;
    list.append(row);
    const item = { file, row, event: eventSelect.value, photographer: photographer.value.trim(), state: "waiting" };
    items.push(item);
    queue.push(item);
  }
  pump();
}

function pump() {
  while (running < PARALLEL && queue.length) send(queue.shift());
  report();
}

function finish(item, state, text, photo) {
  item.state = state;
  item.row.className = `file ${state}`;
  const status = item.row.querySelector(".status");
  status.textContent = text;
  if (photo) {
    const link = Object.assign(document.createElement("a"), { href: photo.url, textContent: `#${photo.id}` });
    status.append(" ", link);
    addBatchRow(photo);
  }
  item.row.querySelector("progress").value = state === "failed" ? 0 : 100;
  running -= 1;
  pump();
}

/** Upload one file; its bar follows the bytes sent. */
function send(item) {
  running += 1;
  item.state = "sending";
  item.row.className = "file sending";
  if (item.file.size > limit) {
    finish(item, "failed", `${msg.failed}: ${msg.tooBig}`);
    return;
  }
  const form = new FormData();
  form.append("file", item.file, item.file.name);
  form.append("event", item.event);
  if (item.photographer) form.append("photographer", item.photographer);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/v1/photos");
  for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
  xhr.responseType = "json";
  const bar = item.row.querySelector("progress");
  xhr.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable) bar.value = Math.round((95 * event.loaded) / event.total);
  });
  xhr.addEventListener("load", () => {
    const data = xhr.response ?? {};
    if (data.status === "imported") finish(item, "imported", msg.imported, data.photo);
    else if (data.status === "duplicate") finish(item, "duplicate", msg.duplicate, data.photo);
    else finish(item, "failed", `${msg.failed}: ${data.error ?? xhr.statusText}`);
  });
  xhr.addEventListener("error", () => finish(item, "failed", `${msg.failed}: ${msg.network}`));
  xhr.send(form);
}

function report() {
  const count = (state) => items.filter((item) => item.state === state).length;
  const done = count("imported") + count("duplicate") + count("failed");
  summary.textContent = `${done} / ${items.length} · ${msg.imported} ${count("imported")} · ${msg.duplicate} ${count("duplicate")} · ${msg.failed} ${count("failed")}`;
  retryButton.hidden = count("failed") === 0 || done < items.length;
}

retryButton.addEventListener("click", () => {
  for (const item of items.filter((item) => item.state === "failed")) {
    item.state = "waiting";
    item.row.className = "file waiting";
    item.row.querySelector(".status").textContent = msg.waiting;
    queue.push(item);
  }
  pump();
});

/** Let a caption box grow with its text where CSS alone cannot (no field-sizing). */
function grow(box) {
  if (CSS.supports("field-sizing", "content")) return;
  const fit = () => {
    box.style.height = "auto";
    box.style.height = `${box.scrollHeight + 2}px`;
  };
  box.addEventListener("input", fit);
  fit();
}

/** A row to caption a photo that arrived; each box saves when the user leaves it. */
function addBatchRow(photo) {
  if (captioned.has(photo.id)) return;
  captioned.add(photo.id);
  document.getElementById("batch").hidden = false;
  const [, captionLabel, keywordsLabel] = [...document.querySelectorAll("table.batch thead th")].map((th) => th.textContent);
  const row = document.createElement("tr");
  row.dataset.photo = photo.id;
  row.innerHTML = `<td class="thumb"><img alt=""></td><td class="caption"><textarea rows="2" name="caption"></textarea></td>
    <td class="keywords"><input name="keywords"></td><td class="saved" aria-live="polite"></td>`;
  row.querySelector("img").src = photo.thumb;
  const caption = row.querySelector("textarea");
  const keywords = row.querySelector("input");
  caption.value = photo.caption ?? "";
  keywords.value = (photo.keywords ?? []).join("，");
  for (const [box, label] of [[caption, captionLabel], [keywords, keywordsLabel]]) {
    box.placeholder = label;
    box.setAttribute("aria-label", label);
  }
  for (const box of [caption, keywords]) {
    box.addEventListener("change", async () => {
      const state = row.querySelector(".saved");
      const response = await fetch(`/api/v1/photos/${photo.id}`, {
        method: "PATCH",
        headers: csrfHeaders({ "Content-Type": "application/json" }),
        body: JSON.stringify({ [box.name]: box.value }),
      });
      const data = await response.json().catch(() => ({}));
      state.textContent = response.ok ? msg.saved : data.error ?? response.statusText;
      state.classList.toggle("error", !response.ok);
    });
  }
  batchRows.append(row);
  grow(caption);
}

const zone = document.getElementById("dropzone");
const input = document.getElementById("files");
input.addEventListener("change", () => {
  addFiles([...input.files]);
  input.value = "";
});
zone.addEventListener("dragover", (event) => {
  event.preventDefault();
  zone.classList.add("over");
});
zone.addEventListener("dragleave", () => zone.classList.remove("over"));
zone.addEventListener("drop", (event) => {
  event.preventDefault();
  zone.classList.remove("over");
  addFiles([...event.dataTransfer.files]);
});
window.addEventListener("beforeunload", (event) => {
  if (running || queue.length) event.preventDefault();
});
