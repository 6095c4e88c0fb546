// A council member's pages offline (docs/offline.md): registers the service worker, keeps the
// sheet's answers in IndexedDB as the member clicks, queues the submit and sends it when the
// connection returns, and shows what is waiting. Without this script the pages work as before.
(function () {
  "use strict";
  const script = document.currentScript;
  const Q = window.OcopQueue;
  const textEl = document.getElementById("offline-text");
  if (!Q || !textEl || !("indexedDB" in window)) return;
  const text = JSON.parse(textEl.textContent);
  const sheetEl = document.getElementById("offline-sheet");
  const sheet = sheetEl ? JSON.parse(sheetEl.textContent) : null;
  const user = text.user;
  const form = document.getElementById("sheet-form");
  const panel = document.getElementById("offline-panel");
  const $ = (id) => document.getElementById(id);
  const fill = (s, vars) => s.replace(/%\((\w+)\)s/g, (m, k) => vars[k]);
  const clock = (iso) => new Date(iso).toLocaleString("vi-VN");
  const draftKey = sheet ? user + ":" + sheet.dossier + ":" + sheet.base.revision : null;
  panel.hidden = false;

  function answers() {
    const out = {};
    if (!form) return out;
    form.querySelectorAll("input[type=radio]:checked").forEach((input) => {
      if (input.name.startsWith("c-")) out[input.name.slice(2)] = input.value;
    });
    return out;
  }

  // The member's comments: one box per criterion (n-<code>) and one on the whole sheet.
  function notes() {
    const out = {};
    if (!form) return out;
    form.querySelectorAll("textarea[name^='n-']").forEach((box) => { out[box.name.slice(2)] = box.value; });
    return out;
  }

  function general() {
    const box = form && form.querySelector("textarea[name=comment]");
    return box ? box.value : "";
  }

  function say(message, bad) {
    const target = $("saved");
    if (!target) return;
    target.replaceChildren();
    const badge = document.createElement("span");
    badge.className = bad ? "badge badge-bad" : "badge badge-ok";
    badge.textContent = message;
    target.append(badge);
  }

  // --- last sync and what is cached ---------------------------------------------------------
  const megabytes = (bytes) => ((bytes || 0) / 1e6).toLocaleString("vi-VN", { maximumFractionDigits: 1 });

  async function showSync() {
    const meta = await Q.get("meta", "sync:" + user);
    if (meta) {
      $("offline-last-sync").textContent = clock(meta.at);
      let kept = fill(text.cached, { n: meta.dossiers, files: meta.files, size: megabytes(meta.bytes) });
      if (meta.references && meta.references.length) kept += " — " + meta.references.join(", ");
      $("offline-cached").textContent = kept;
      const skipped = $("offline-skipped");
      skipped.hidden = !meta.skipped;
      skipped.textContent = meta.skipped ? fill(text.skipped, { n: meta.skipped }) : "";
    }
  }

  // Opened online, the member's assigned dossiers are kept without asking (the worker keeps
  // only what the server's list allows, within the device's room); again at most every few
  // minutes, unless this page's dossier is not kept yet. "Làm mới bản lưu" fetches everything
  // again, evidence files included.
  const AUTO_EVERY = 5 * 60 * 1000;

  async function autoSync() {
    const meta = await Q.get("meta", "sync:" + user);
    const fresh = meta && Date.now() - Date.parse(meta.at) < AUTO_EVERY;
    const keptHere = !sheet || (meta && (meta.references || []).includes(sheet.reference));
    if (!fresh || !keptHere) await syncCache(false);
  }

  let syncing = false;

  async function syncCache(refresh) {
    if (!("serviceWorker" in navigator) || !navigator.onLine || syncing) return;
    syncing = true;
    const button = $("offline-save");
    button.disabled = true;
    try {
      const result = await Q.ask({ type: "sync", manifest: script.dataset.manifest,
                                    options: { refresh: !!refresh, first: sheet ? sheet.dossier : null } });
      if (result && result.ok && result.user === user) {
        await Q.put("meta", { key: "sync:" + user, at: result.at, dossiers: result.dossiers, files: result.files,
                              bytes: result.bytes, skipped: result.skipped, references: result.references });
        await showSync();
      }
    } finally {
      syncing = false;
      button.disabled = false;
    }
  }

  // --- the queue ----------------------------------------------------------------------------
  async function render() {
    const items = (await Q.all("queue")).filter((i) => i.user === user && i.kind !== "visit")
      .sort((a, b) => (a.captured_at < b.captured_at ? -1 : 1));
    const waiting = items.filter((i) => i.state === "pending" || i.state === "sending");
    $("offline-pending-count").textContent = String(waiting.length);
    const list = $("offline-queue");
    list.replaceChildren();
    for (const item of items) {
      const li = document.createElement("li");
      li.dataset.state = item.state;
      li.dataset.clientId = item.client_id;
      let state = text[item.state] || item.state;
      if (item.state === "pending" && item.reason === "login") state = text.login;
      else if (item.state === "pending" && item.next_at && item.attempts) {
        state = fill(text.retry, { time: new Date(item.next_at).toLocaleTimeString("vi-VN") });
      }
      const head = document.createElement("strong");
      head.textContent = item.reference + " — " + item.product + ": " + state;
      li.append(head, " ", document.createTextNode("(" + text.captured + " " + clock(item.captured_at) + ")"));
      // What happens next: sent (the server's words), refused or held (its reason), or
      // waiting (sent automatically once online).
      const next = item.state === "pending" || item.state === "sending" ? text.will_send : item.message;
      if (next) {
        const p = document.createElement("p");
        p.className = item.state === "conflict" || item.state === "refused" ? "msg msg-error" : "help";
        p.textContent = next;
        if (item.state === "conflict" || item.state === "refused") p.setAttribute("role", "alert");
        li.append(p);
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
    const mine = items.filter((i) => sheet && i.dossier === sheet.dossier && i.base.revision === sheet.base.revision);
    // This page's sheet was accepted (by the page or the worker): reload to show it as the
    // server holds it.
    if (sheet && !sheet.submitted && mine.some((i) => i.state === "sent")) {
      window.location.reload();
      return;
    }
    if (mine.some((i) => i.state === "pending" || i.state === "sending")) {
      form && form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    }
  }

  // Sent items are shown for a day, then forgotten; conflicts and refusals stay until dismissed.
  async function tidy() {
    const day = 24 * 3600 * 1000;
    for (const item of await Q.all("queue")) {
      if (item.state === "sent" && Date.now() - Date.parse(item.done_at) > day) await Q.remove("queue", item.client_id);
    }
  }

  async function exportPending() {
    const items = (await Q.all("queue")).filter((i) => i.user === user && i.kind !== "visit" && i.state !== "sent");
    if (!items.length) { window.alert(text.nothing); return; }
    const file = {
      kind: "ocop-phieu-cho-gui", username: text.username, exported_at: new Date().toISOString(),
      items: items.map((i) => ({ client_id: i.client_id, dossier: i.dossier, reference: i.reference,
                                 base: i.base, answers: i.answers, comments: i.comments || {},
                                 comment: i.comment || "", content_hash: i.content_hash,
                                 captured_at: i.captured_at })),
    };
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([JSON.stringify(file, null, 1)], { type: "application/json" }));
    link.download = "phieu-cho-gui-" + text.username + ".json";
    document.body.append(link);
    link.click();
    link.remove();
  }

  // --- the sheet: draft on every click, submit through the queue ----------------------------
  async function restoreDraft() {
    if (!sheet || sheet.locked || !form) return;
    const draft = await Q.get("drafts", draftKey);
    if (!draft) return;
    for (const [code, option] of Object.entries(draft.answers)) {
      const input = form.querySelector("input[name=\"c-" + CSS.escape(code) + "\"][value=\"" + CSS.escape(option) + "\"]");
      if (input) input.checked = true;
    }
    for (const [code, text] of Object.entries(draft.comments || {})) {
      const box = form.querySelector("textarea[name=\"n-" + CSS.escape(code) + "\"]");
      if (!box) continue;
      box.value = text;
      if (text && box.closest("details")) box.closest("details").open = true;
    }
    const box = form.querySelector("textarea[name=comment]");
    if (box && typeof draft.comment === "string") box.value = draft.comment;
    say(text.draft + " " + clock(draft.saved_at));
  }

  async function saveDraft() {
    await Q.put("drafts", { key: draftKey, user, answers: answers(), comments: Q.canonicalComments(notes()),
                            comment: general(), saved_at: new Date().toISOString() });
  }

  async function queueSubmit() {
    const given = answers();
    const missing = sheet.criteria.filter((code) => !given[code]);
    if (missing.length) { say(fill(text.incomplete, { n: missing.length }), true); return; }
    await saveDraft();
    const item = {
      client_id: crypto.randomUUID(), user, dossier: sheet.dossier, reference: sheet.reference,
      product: sheet.product, send: sheet.send, base: sheet.base, answers: Q.canonical(given),
      comments: Q.canonicalComments(notes()), comment: general(),
      content_hash: await Q.sheetHash(given, notes(), general()), captured_at: new Date().toISOString(), state: "pending",
      attempts: 0, csrf: Q.csrf(), draft_key: draftKey,
    };
    await Q.put("queue", item);
    say(text.queued);
    await render();
    await offline.queued();
  }

  if (form && sheet && !sheet.locked) {
    form.addEventListener("change", saveDraft);
    // Comments are kept as the member types, not only when the box loses focus.
    let typing = null;
    form.addEventListener("input", (event) => {
      if (event.target.tagName !== "TEXTAREA") return;
      clearTimeout(typing);
      typing = setTimeout(saveDraft, 400);
    });
    form.addEventListener("submit", (event) => {
      const submitter = event.submitter;
      if (submitter && submitter.hasAttribute("data-offline-submit")) {
        event.preventDefault();
        queueSubmit();
      } else if (!navigator.onLine) {
        event.preventDefault();
        saveDraft().then(() => say(text.draft));
      }
    });
  }

  const offline = Q.panel({
    user, script, render, sync: syncCache, autoSync, exportPending,
    async ready() {
      await tidy();
      await restoreDraft();
      await showSync();
      await render();
    },
  });
})();
