// Parley web UI: corrections on the document page (docs/corrections.md).
// Click a marked passage: its findings (of the layers switched on), each with
// Accept / Reject / Edit and a reason. Select text: "Add finding" with a
// layer and a label. Everything goes through the JSON API
// (GET/POST /api/documents/{hash}/corrections); the write token is asked for
// once and kept for the tab (sessionStorage), the author's name in
// localStorage. A read-only deployment (editable: false) gets the list only.
// Text from the server is only ever inserted with textContent.
"use strict";

const Corrections = { api: "", editable: false, data: null, text: "" };

// What the label of "Add finding" means in each layer, and the record it makes.
const ADD_LAYERS = {
  claims: ["kind: numeric, event, quote, causal, other", (s, t, l) => ({ span: s, kind: l || "other" })],
  techniques: ["technique label (Loaded_Language, ...)", (s, t, l) => ({ span: s, label: l || "Loaded_Language" })],
  timex: ["value (2025-10-15, ...)", (s, t, l) => ({ span: s, value: l || null })],
  entities: ["type: PERSON, ORG, GPE, ...",
    (s, t, l) => ({ id: slug(t), name: t, type: l || "PERSON", mentions: [s] })],
  attributions: ["source (an entity id)", (s, t, l) => ({ content_span: s, source: l || "unknown", direct: true })],
  turns: ["speaker (an id)", (s, t, l) => ({ span: s, speaker: l || "unknown", kind: "statement" })],
  boilerplate: ["kind (timestamp, header, ...)", (s, t, l) => ({ span: s, kind: l || "boilerplate" })],
  sentences: ["(no label)", (s) => ({ span: s })],
};

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  return node;
}

function isSpan(v) {
  return Array.isArray(v) && v.length === 2 && v.every(Number.isInteger);
}

function spansOf(record) {
  const out = [];
  Object.values(record).forEach((v) => {
    if (isSpan(v)) out.push(v);
    else if (Array.isArray(v) && v.length && v.every(isSpan)) out.push(...v);
  });
  return out;
}

// Where a finding is in the text: its spans, or for an answer (no span of its
// own) the spans of its question and answer turns.
function placesOf(layer, record) {
  if (layer !== "answers") return spansOf(record);
  const turns = Corrections.data.findings.turns || [];
  return [record.question_turn, record.answer_turn].map((i) => turns[i] && turns[i].record.span).filter(isSpan);
}

// Code-point offsets (as Parley counts) of a DOM position inside #text.
function offsetAt(node, offset) {
  const box = document.getElementById("text");
  if (node === box) {
    const child = box.childNodes[offset];
    return child && child.id ? Number(child.id.slice(1)) : Array.from(Corrections.text).length;
  }
  const seg = (node.nodeType === Node.TEXT_NODE ? node.parentElement : node).closest(".seg");
  if (!seg || !box.contains(seg)) return null;
  const start = Number(seg.id.slice(1));
  if (node.nodeType !== Node.TEXT_NODE) return offset === 0 ? start : start + Array.from(seg.textContent).length;
  return start + Array.from(node.textContent.slice(0, offset)).length;
}

function textAt(span) {
  return Array.from(Corrections.text).slice(span[0], span[1]).join("");
}

function excerpt(span) {
  const s = textAt(span);
  return s.length > 80 ? s.slice(0, 77) + "…" : s;
}

function shownLayers() {
  const shown = new Set();
  document.querySelectorAll("#toggles input[data-layer]").forEach((i) => i.checked && shown.add(i.dataset.layer));
  return shown;
}

function token() {
  const input = document.getElementById("correction-token");
  return (input && input.value) || sessionStorage.getItem("parley-write-token") || "";
}

function say(message, isError) {
  const out = document.getElementById("correction-result");
  out.textContent = message;
  out.className = isError ? "result error" : "result";
}

async function load() {
  const response = await fetch(Corrections.api, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error("[" + body.error.code + "] " + body.error.message);
  Corrections.data = body;
  Corrections.editable = body.editable && Corrections.editable;
  drawList();
}

function drawList() {
  const list = document.getElementById("correction-list");
  list.replaceChildren();
  const rows = Corrections.data.corrections;
  document.getElementById("correction-count").textContent = rows.length ? String(rows.length) : "none yet";
  rows.slice().reverse().forEach((c) => {
    const item = el("li", null, { class: "correction " + c.status, "data-id": c.id });
    item.appendChild(el("strong", c.action));
    item.appendChild(el("span", " " + (c.target || c.finding || c.layer) + " "));
    item.appendChild(el("small", "by " + c.author + " · " + c.created_at.replace("T", " ").slice(0, 19)));
    if (c.status === "stale") {
      const why = "its finding is gone from the new analysis";
      item.appendChild(el("span", "stale", { class: "stale-mark", title: why }));
    }
    if (c.reason) item.appendChild(el("q", c.reason));
    list.appendChild(item);
  });
}

async function post(correction) {
  const author = document.getElementById("correction-author").value.trim();
  const tok = token();
  if (!author || !tok) {
    say("Enter your name and the token first.", true);
    return;
  }
  localStorage.setItem("parley-author", author);
  sessionStorage.setItem("parley-write-token", tok);
  const response = await fetch(Corrections.data.post_to, {
    method: "POST",
    headers: { Authorization: "Bearer " + tok, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ ...correction, author }),
  });
  const body = await response.json();
  if (!response.ok) {
    say("[" + body.error.code + "] " + body.error.message, true);
    return;
  }
  say("Saved: " + correction.action + " " + (body.finding || correction.target));
  closePanel();
  await load();
}

function closePanel() {
  const panel = document.getElementById("finding-panel");
  panel.hidden = true;
  panel.replaceChildren();
}

function openPanel(title) {
  const panel = document.getElementById("finding-panel");
  panel.replaceChildren(el("h3", title));
  const close = el("button", "Close", { type: "button", class: "close" });
  close.addEventListener("click", closePanel);
  panel.appendChild(close);
  panel.hidden = false;
  return panel;
}

// -- one finding: accept, reject, edit -------------------------------------
function fieldText(value) {
  if (isSpan(value)) return value[0] + "-" + value[1];
  if (Array.isArray(value) && value.every(isSpan)) return value.map((s) => s[0] + "-" + s[1]).join(" ");
  return value === null ? "" : String(value);
}

function parseField(name, old, text) {
  const t = text.trim();
  const asSpan = (s) => s.split("-").map(Number);
  if (isSpan(old) || (old === null && name.endsWith("span"))) return t ? asSpan(t) : null;
  if (Array.isArray(old)) return t ? t.split(/[\s,]+/).map(asSpan) : [];
  if (typeof old === "number") return Number(t);
  if (typeof old === "boolean") return t === "true";
  return t === "" && old === null ? null : t;
}

function editable(value) {
  return value === null || ["string", "number", "boolean"].includes(typeof value) || isSpan(value)
    || (Array.isArray(value) && value.length > 0 && value.every(isSpan));
}

function editForm(layer, finding, reason) {
  const form = el("form", null, { class: "edit-form", "data-key": finding.key });
  const inputs = {};
  Object.entries(finding.record).filter(([, v]) => editable(v)).forEach(([name, value]) => {
    const label = el("label", name + " ");
    const input = el("input", null, { name, value: fieldText(value) });
    inputs[name] = input;
    label.appendChild(input);
    form.appendChild(label);
  });
  form.appendChild(el("button", "Save edit", { type: "submit" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const record = {};
    Object.entries(inputs).forEach(([name, input]) => {
      const old = finding.record[name];
      const value = parseField(name, old, input.value);
      if (JSON.stringify(value) !== JSON.stringify(old)) record[name] = value;
    });
    if (!Object.keys(record).length) return say("Nothing changed.", true);
    post({ layer, action: "edit", target: finding.key, record, reason: reason.value || undefined });
  });
  return form;
}

function findingBox(layer, finding, reason) {
  const box = el("div", null, { class: "finding", "data-key": finding.key });
  const spans = placesOf(layer, finding.record);
  const head = el("p");
  head.appendChild(el("strong", layer));
  head.appendChild(el("code", " " + finding.key + " "));
  if (finding.confirmed) head.appendChild(el("span", "confirmed", { class: "confirmed" }));
  box.appendChild(head);
  if (spans.length) box.appendChild(el("q", excerpt(spans[0])));
  const r = finding.record;
  const label = r.label || r.kind || r.type || r.polarity || r.clarity || r.speaker;
  if (label) box.appendChild(el("small", " " + label));
  const actions = el("div", null, { class: "actions" });
  [["accept", "Accept"], ["reject", "Reject"]].forEach(([action, text]) => {
    const button = el("button", text, { type: "button", "data-action": action });
    button.addEventListener("click",
      () => post({ layer, action, target: finding.key, reason: reason.value || undefined }));
    actions.appendChild(button);
  });
  const edit = el("button", "Edit", { type: "button", "data-action": "edit" });
  edit.addEventListener("click", () => {
    if (!box.querySelector(".edit-form")) box.appendChild(editForm(layer, finding, reason));
  });
  actions.appendChild(edit);
  box.appendChild(actions);
  return box;
}

function showFindingsAt(offset) {
  const shown = shownLayers();
  const here = [];
  Object.entries(Corrections.data.findings).forEach(([layer, items]) => {
    if (!shown.has(layer)) return;
    items.forEach((f) => {
      if (placesOf(layer, f.record).some((s) => s[0] <= offset && offset < s[1])) here.push([layer, f]);
    });
  });
  if (!here.length) return;
  const panel = openPanel("Findings at character " + offset);
  const reason = el("input", null, { id: "correction-reason", placeholder: "reason (optional)" });
  panel.appendChild(reason);
  here.forEach(([layer, f]) => panel.appendChild(findingBox(layer, f, reason)));
}

// -- a missing finding: add from a selection ---------------------------------
function showAddForm(span) {
  const panel = openPanel("Add finding");
  panel.appendChild(el("q", excerpt(span)));
  panel.appendChild(el("small", " characters " + span[0] + "–" + span[1]));
  const form = el("form", null, { id: "add-form", class: "edit-form" });
  const layerLabel = el("label", "layer ");
  const layer = el("select", null, { name: "layer" });
  Object.keys(ADD_LAYERS).forEach((name) => layer.appendChild(el("option", name, { value: name })));
  layerLabel.appendChild(layer);
  const labelLabel = el("label", "label ");
  const label = el("input", null, { name: "label", placeholder: ADD_LAYERS.claims[0] });
  layer.addEventListener("change", () => label.setAttribute("placeholder", ADD_LAYERS[layer.value][0]));
  labelLabel.appendChild(label);
  const reason = el("input", null, { name: "reason", placeholder: "reason (optional)" });
  form.append(layerLabel, labelLabel, reason, el("button", "Add finding", { type: "submit" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const record = ADD_LAYERS[layer.value][1](span, textAt(span), label.value.trim());
    post({ layer: layer.value, action: "add", record, reason: reason.value || undefined });
  });
  panel.appendChild(form);
}

function onMouseUp() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return false;
  const range = selection.getRangeAt(0);
  const start = offsetAt(range.startContainer, range.startOffset);
  const end = offsetAt(range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return false;
  showAddForm([start, end]);
  return true;
}

function setUpCorrections() {
  const section = document.getElementById("panel-corrections");
  const text = document.getElementById("text");
  if (!section || !text) return;
  Corrections.api = section.dataset.api;
  Corrections.editable = section.dataset.editable === "true";
  Corrections.text = text.textContent;
  load().then(() => {
    if (!Corrections.editable) return;
    const author = document.getElementById("correction-author");
    author.value = localStorage.getItem("parley-author") || "";
    document.getElementById("correction-token").value = sessionStorage.getItem("parley-write-token") || "";
    text.addEventListener("mouseup", (event) => {
      if (onMouseUp()) return;
      const seg = event.target.closest(".seg");
      if (seg) showFindingsAt(Number(seg.id.slice(1)));
    });
    section.classList.add("ready");
  }).catch((err) => say("The corrections could not be loaded: " + err.message, true));
}

document.addEventListener("DOMContentLoaded", setUpCorrections);
