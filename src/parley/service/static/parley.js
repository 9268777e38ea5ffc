// Parley web UI: layer toggles on the document page, the upload and URL forms,
// saving a search and marking a saved search seen.
// No inline script anywhere (the Content-Security-Policy forbids it); text
// from the server is only ever inserted with textContent, never as HTML.
"use strict";

function slug(value) {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}

function applyToggles() {
  const box = document.getElementById("toggles");
  const text = document.getElementById("text");
  if (!box || !text) return;
  const layers = new Set();
  box.querySelectorAll("input[data-layer]").forEach((input) => {
    if (input.checked) layers.add(input.dataset.layer);
  });
  const hidden = new Set();
  box.querySelectorAll("input[data-key]").forEach((input) => {
    if (!input.checked) hidden.add(input.dataset.key);
  });
  text.querySelectorAll(".seg[data-keys]").forEach((seg) => {
    const classes = new Set(["seg"]);
    seg.dataset.keys.split(" ").forEach((key) => {
      const layer = key.split("|", 1)[0];
      if (layers.has(layer) && !hidden.has(key)) classes.add("h-" + slug(layer));
    });
    seg.className = Array.from(classes).sort().join(" ");
  });
  text.dataset.layers = Array.from(layers).sort().join(" ");
}

function setUpToggles() {
  const box = document.getElementById("toggles");
  if (!box) return;
  box.addEventListener("change", applyToggles);
  applyToggles();
}

function setUpUpload() {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const out = document.getElementById("upload-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    out.textContent = "Uploading and analysing…";
    const token = document.getElementById("token").value;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Authorization: "Bearer " + token },
      });
      const body = await response.json();
      out.textContent = "";
      if (!response.ok) {
        out.textContent = "[" + body.error.code + "] " + body.error.message;
        return;
      }
      body.stored.forEach((doc) => {
        const link = document.createElement("a");
        link.href = doc.url;
        link.textContent = (doc.created ? "Stored: " : "Already stored: ") + doc.doc_id;
        out.appendChild(link);
        out.appendChild(document.createTextNode(" "));
      });
    } catch (err) {
      out.textContent = "The upload failed: " + err;
    }
  });
}

// A server that protects reads answers E701 with a token form: the token is
// kept in a same-site cookie that reads accept (writes never do).
function setUpTokenForm() {
  const form = document.getElementById("token-form");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = document.getElementById("read-token").value;
    document.cookie = "parley_token=" + encodeURIComponent(token) + "; path=/; SameSite=Strict";
    window.location.reload();
  });
}

// POST a JSON body with the token; resolves to [ok, body]. Writes take the
// token from a header only.
async function postJson(url, token, data) {
  const response = await fetch(url, {
    method: "POST",
    body: JSON.stringify(data),
    headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
  });
  return [response.ok, await response.json()];
}

function showError(out, body) {
  out.textContent = "[" + body.error.code + "] " + body.error.message;
}

// Fetch a transcript from a URL (the server checks the address).
function setUpUrlUpload() {
  const form = document.getElementById("url-form");
  if (!form) return;
  const out = document.getElementById("url-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    out.textContent = "Fetching and analysing…";
    const data = {};
    new FormData(form).forEach((value, key) => { if (value) data[key] = value; });
    try {
      const [ok, body] = await postJson(form.action, document.getElementById("url-token").value, data);
      if (!ok) return showError(out, body);
      out.textContent = "";
      body.stored.forEach((doc) => {
        const link = document.createElement("a");
        link.href = doc.url;
        link.textContent = (doc.created ? "Stored: " : "Already stored: ") + doc.doc_id;
        out.appendChild(link);
      });
    } catch (err) {
      out.textContent = "The fetch failed: " + err;
    }
  });
}

// Save the search shown on the search page under a name.
function setUpSaveSearch() {
  const form = document.getElementById("save-search-form");
  const search = document.getElementById("search-form");
  if (!form || !search) return;
  const out = document.getElementById("save-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = { name: document.getElementById("save-name").value };
    new FormData(search).forEach((value, key) => { if (value) data[key] = value; });
    try {
      const [ok, body] = await postJson(form.dataset.post, document.getElementById("save-token").value, data);
      if (!ok) return showError(out, body);
      out.textContent = "";
      const link = document.createElement("a");
      link.href = body.url;
      link.textContent = "Saved: " + body.name + " (" + body.total + " results now; later ones will be new)";
      out.appendChild(link);
    } catch (err) {
      out.textContent = "Saving failed: " + err;
    }
  });
}

// Mark a saved search's results as seen, then show it again.
function setUpMarkSeen() {
  const form = document.getElementById("seen-form");
  if (!form) return;
  const out = document.getElementById("seen-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const [ok, body] = await postJson("/api/alerts/seen", document.getElementById("seen-token").value,
                                        { name: form.dataset.name });
      if (!ok) return showError(out, body);
      window.location.reload();
    } catch (err) {
      out.textContent = "Marking failed: " + err;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setUpToggles();
  setUpUpload();
  setUpTokenForm();
  setUpUrlUpload();
  setUpSaveSearch();
  setUpMarkSeen();
});
