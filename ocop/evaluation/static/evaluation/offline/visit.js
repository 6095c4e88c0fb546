// An inspection visit recorded offline (docs/offline.md): with the network cut, or with photos
// attached, the visit and its photos are saved in IndexedDB and sent when the connection
// returns (the visit first, then each photo with the time the device took it). Without this
// script the form posts as before (photos are then added on the visit's page).
(function () {
  "use strict";
  const script = document.currentScript;
  const Q = window.OcopQueue;
  const textEl = document.getElementById("offline-text");
  const configEl = document.getElementById("offline-visit");
  const form = document.getElementById("visit-form");
  if (!Q || !textEl || !configEl || !form || !("indexedDB" in window)) return;
  const text = JSON.parse(textEl.textContent);
  const config = JSON.parse(configEl.textContent);
  const user = text.user;
  const $ = (id) => document.getElementById(id);
  const fill = (s, vars) => s.replace(/%\((\w+)\)s/g, (m, k) => vars[k]);
  const clock = (iso) => new Date(iso).toLocaleString("vi-VN");
  $("offline-panel").hidden = false;
  $("offline-photos-field").hidden = false;

  function value(name) {
    const field = form.elements[name];
    return field ? field.value.trim() : "";
  }

  // The same fields as the page's form, as the server's receive_visit reads them.
  function visitData() {
    const findings = {};
    form.querySelectorAll("input[type=radio][name^=finding_]:checked").forEach((input) => {
      const item = input.name.slice("finding_".length);
      findings[item] = [input.value, value("note_" + item)];
    });
    const product = parseInt(value("product"), 10);
    return { product: Number.isNaN(product) ? null : product, visited_on: value("visited_on"),
             place: value("place"), findings, conclusion: value("conclusion"),
             follow_up_by: value("follow_up_by"), sanctions: value("sanctions") };
  }

  // A refused visit being corrected: its client id (the copy stays on the device until the
  // corrected one is saved) and its photos, sent again with the corrected visit.
  let editing = null;

  function setValue(name, value) {
    const field = form.elements[name];
    if (field) field.value = value == null ? "" : String(value);
  }

  // "Sửa và gửi lại": the kept copy back into the form, with what the server refused.
  function edit(item) {
    const data = item.data || {};
    setValue("product", data.product);
    ["visited_on", "place", "conclusion", "follow_up_by", "sanctions"].forEach((name) => setValue(name, data[name]));
    for (const [key, finding] of Object.entries(data.findings || {})) {
      const radio = form.querySelector("input[type=radio][name=\"finding_" + CSS.escape(key) + "\"][value=\"" + CSS.escape(finding[0]) + "\"]");
      if (radio) radio.checked = true;
      setValue("note_" + key, finding[1]);
    }
    form.querySelectorAll("[data-offline-error]").forEach((node) => node.remove());
    for (const [name, message] of Object.entries(item.fields || {})) {
      const field = form.elements[name];
      const anchor = field && (field.length && !field.tagName ? field[0] : field);
      if (!anchor || !anchor.closest) continue;
      const note = document.createElement("p");
      note.className = "msg msg-error";
      note.dataset.offlineError = "1";
      note.textContent = message;
      (anchor.closest(".field, fieldset") || anchor.parentNode).append(note);
    }
    editing = item;
    const notice = $("offline-editing");
    notice.textContent = fill(text.editing, { time: clock(item.captured_at), n: (item.photos || []).length });
    notice.hidden = false;
    form.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function showSync() {
    const meta = await Q.get("meta", "sync-visits:" + user);
    if (meta) {
      $("offline-last-sync").textContent = clock(meta.at);
      $("offline-cached").textContent = fill(config.kept ? text.cached : text.not_kept, { n: meta.dossiers });
    }
  }

  async function render() {
    const items = (await Q.all("queue")).filter((i) => i.user === user && i.kind === "visit");
    $("offline-pending-count").textContent = String(items.filter((i) => i.state === "pending" || i.state === "sending").length);
    const list = $("offline-queue");
    list.replaceChildren();
    for (const item of items) {
      const li = document.createElement("li");
      li.dataset.state = item.state;
      let state = text[item.state] || item.state;
      if (item.state === "pending" && item.reason === "login") state = text.login;
      else if (item.state === "pending" && item.attempts && item.next_at) {
        state = fill(text.retry, { time: new Date(item.next_at).toLocaleTimeString("vi-VN") });
      }
      const head = document.createElement(item.url ? "a" : "strong");
      if (item.url) head.href = item.url;
      head.textContent = item.title + " — " + item.place + ": " + state;
      li.append(head, " (" + text.captured + " " + clock(item.captured_at) + ", "
        + fill(text.photos, { n: (item.photos || []).length }) + ")");
      const notes = [];
      if (item.state === "pending" || item.state === "sending") notes.push(text.will_send);
      else if (item.state !== "sent") notes.push(item.message);
      if (item.state === "refused") Object.values(item.fields || {}).forEach((m) => notes.push(m));
      (item.photos || []).filter((p) => p.state === "refused").forEach((p) => notes.push(p.name + ": " + p.message));
      notes.forEach((note) => {
        const p = document.createElement("p");
        p.className = item.state === "conflict" || item.state === "refused" ? "msg msg-error" : "help";
        p.textContent = note;
        li.append(p);
      });
      if (item.state === "refused") {
        const again = document.createElement("button");
        again.type = "button";
        again.className = "btn";
        again.textContent = text.edit;
        again.addEventListener("click", () => edit(item));
        li.append(again, " ");
      }
      if (item.state !== "pending" && item.state !== "sending") {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-ghost";
        button.textContent = text.dismiss;
        button.addEventListener("click", async () => { await Q.remove("queue", item.client_id); render(); });
        li.append(button);
      }
      list.append(li);
    }
  }

  // Opened online, the forms of the inspector's running plans are kept without asking (at
  // most every few minutes, or when this running plan is not kept yet: an ended plan never
  // is); "Làm mới bản lưu" at once.
  async function autoSync() {
    const meta = await Q.get("meta", "sync-visits:" + user);
    const fresh = meta && Date.now() - Date.parse(meta.at) < 5 * 60 * 1000;
    const missing = config.kept && !(meta && (meta.plans || []).includes(config.plan));
    if (!fresh || missing) await syncCache();
  }

  let syncing = false;

  async function syncCache() {
    if (!("serviceWorker" in navigator) || !navigator.onLine || syncing) return;
    syncing = true;
    try { await keepPages(); } finally { syncing = false; }
  }

  async function keepPages() {
    const result = await Q.ask({ type: "sync", manifest: script.dataset.manifest });
    if (result && result.ok && result.user === user) {
      await Q.put("meta", { key: "sync-visits:" + user, at: result.at, dossiers: result.dossiers,
                            plans: result.plans });
      await showSync();
    }
  }

  async function queueVisit() {
    const data = visitData();
    const files = Array.from($("offline-photos").files || []);
    // The photos of a corrected visit go again, under new ids (they never reached the server).
    const kept = editing ? (editing.photos || []).filter((p) => p.blob)
      .map((p) => ({ ...p, client_id: crypto.randomUUID(), state: "pending", message: "" })) : [];
    const item = {
      kind: "visit", client_id: crypto.randomUUID(), user, plan: config.plan, title: config.title,
      place: data.place, send: config.send, photo: config.photo, data,
      content_hash: await Q.hashValue(data), captured_at: new Date().toISOString(),
      state: "pending", attempts: 0, csrf: Q.csrf(),
      photos: files.map((file) => ({ client_id: crypto.randomUUID(), blob: file, name: file.name,
                                     captured_at: new Date(file.lastModified).toISOString(),
                                     caption: "", state: "pending" })).concat(kept),
    };
    await Q.put("queue", item);
    if (editing) {
      // The corrected copy is saved (under a new id): the refused one can go.
      await Q.remove("queue", editing.client_id);
      editing = null;
      $("offline-editing").hidden = true;
      form.querySelectorAll("[data-offline-error]").forEach((node) => node.remove());
    }
    form.reset();
    await render();
    await offline.queued();
  }

  function base64(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  // The unsent visits of this plan, with their unsent photos inside the file (base64), for
  // the province's standing office to import when the device cannot reach the server. The
  // photos together may weigh at most config.export_max bytes: those that do not fit stay on
  // the device (sent when it is online again) and the inspector is told which.
  async function exportPending() {
    const items = (await Q.all("queue")).filter((i) => i.user === user && i.kind === "visit"
      && i.plan === config.plan && i.state !== "sent");
    if (!items.length) { window.alert(text.nothing); return; }
    let room = config.export_max;
    const left = [];
    const out = [];
    for (const item of items) {
      const photos = [];
      for (const photo of item.photos || []) {
        if (!photo.blob || photo.state === "sent") continue;
        if (photo.blob.size > room) { left.push(photo.name); continue; }
        room -= photo.blob.size;
        photos.push({ client_id: photo.client_id, name: photo.name, captured_at: photo.captured_at,
                      caption: photo.caption || "", type: photo.blob.type, data: await base64(photo.blob) });
      }
      out.push({ client_id: item.client_id, plan: item.plan, data: item.data, content_hash: item.content_hash,
                 captured_at: item.captured_at, photos });
    }
    const file = { kind: "ocop-bien-ban-cho-gui", username: text.username, plan: config.plan,
                   exported_at: new Date().toISOString(), items: out };
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([JSON.stringify(file)], { type: "application/json" }));
    link.download = "bien-ban-cho-gui-" + config.reference.replace(/[^\w-]+/g, "-") + "-" + text.username + ".json";
    document.body.append(link);
    link.click();
    link.remove();
    const notice = $("offline-export-note");
    notice.textContent = left.length ? fill(text.too_big, { names: left.join(", ") }) : text.exported;
    notice.className = left.length ? "msg msg-warning" : "help";
    notice.hidden = false;
  }

  form.addEventListener("submit", (event) => {
    if (navigator.onLine && !($("offline-photos").files || []).length && !editing) return; // the page's form
    event.preventDefault();
    queueVisit();
  });
  const offline = Q.panel({
    user, script, render, sync: syncCache, autoSync, exportPending,
    async ready() {
      await showSync();
      await render();
    },
  });
})();
