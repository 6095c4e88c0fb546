// The device's store and upload queue for score sheets (docs/offline.md), shared by the page
// (offline.js) and the service worker (background sync). No library: IndexedDB and fetch.
// Stores: "drafts" (answers as the member types), "queue" (submits waiting for the server, one
// per client id) and "meta" (time of the last sync, what is cached, whose device session it is).
(function (root) {
  "use strict";
  const DB = "ocop-offline";

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("drafts")) db.createObjectStore("drafts", { keyPath: "key" });
        if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "client_id" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(store, mode, action) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(store, mode);
      const request = action(transaction.objectStore(store));
      transaction.oncomplete = () => { db.close(); resolve(request ? request.result : undefined); };
      transaction.onerror = () => { db.close(); reject(transaction.error); };
    });
  }

  const get = (store, key) => run(store, "readonly", (s) => s.get(key));
  const put = (store, value) => run(store, "readwrite", (s) => s.put(value));
  const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
  const all = (store) => run(store, "readonly", (s) => s.getAll());

  // Byte for byte the server's rules.canonical_answers: empty answers left out, keys sorted.
  function canonical(answers) {
    const out = {};
    Object.keys(answers).filter((k) => answers[k]).sort().forEach((k) => { out[k] = String(answers[k]); });
    return out;
  }

  async function hash(answers) {
    const bytes = new TextEncoder().encode(JSON.stringify(canonical(answers)));
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  // The server's rules.sheet_hash: without any comment, the answers' hash above (sheets
  // queued before comments existed still verify); with comments, the stable JSON of
  // {answers, comment, comments}, empty answers and comments left out.
  function canonicalComments(comments) {
    const out = {};
    Object.keys(comments || {}).filter((k) => comments[k]).forEach((k) => { out[k] = String(comments[k]); });
    return out;
  }

  async function sheetHash(answers, comments, comment) {
    const kept = canonicalComments(comments);
    if (!Object.keys(kept).length && !comment) return hash(answers);
    return hashValue({ answers: canonical(answers), comment: comment || "", comments: kept });
  }

  const MAX_WAIT = 5 * 60 * 1000;

  async function backoff(item, reason) {
    item.attempts = (item.attempts || 0) + 1;
    item.state = "pending";
    item.reason = reason;
    item.next_at = Date.now() + Math.min(MAX_WAIT, 2000 * 2 ** Math.min(item.attempts, 8));
    await put("queue", item);
  }

  // Keys sorted at every level, no spaces: the server's json.dumps(sort_keys=True,
  // separators=(",", ":"), ensure_ascii=False) of the same value (inspections.payload_hash).
  function stable(value) {
    if (Array.isArray(value)) return "[" + value.map(stable).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map((k) => JSON.stringify(k) + ":" + stable(value[k])).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  async function hashValue(value) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(stable(value)));
    return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function post(url, token, body) {
    const json = !(body instanceof FormData);
    const headers = { Accept: "application/json", "X-CSRFToken": token };
    if (json) headers["Content-Type"] = "application/json";
    const response = await fetch(url, { method: "POST", credentials: "same-origin", redirect: "manual",
                                        headers, body: json ? JSON.stringify(body) : body });
    const isJson = (response.headers.get("content-type") || "").includes("application/json");
    return { status: response.status, login: response.type === "opaqueredirect" || response.status === 403,
             body: isJson ? await response.json() : null };
  }

  // What an answer means for the item: done, conflict (kept on the server), refused, or retry.
  function verdict(answer) {
    if (!answer.body) return "retry";
    if (answer.status === 200) return "sent";
    if (answer.status === 409) return "conflict";
    if (answer.status === 422 || answer.status === 404) return "refused";
    return "retry";
  }

  async function sendSheet(item, token) {
    return post(item.send, token, { client_id: item.client_id, base: item.base, answers: item.answers,
                                     comments: item.comments || {}, comment: item.comment || "",
                                     content_hash: item.content_hash, captured_at: item.captured_at });
  }

  // A visit, then each of its photos (a photo refused as not an image does not hold the rest).
  async function sendVisit(item, token) {
    let first = { status: 200, body: { message: item.message } };
    if (!item.visit_done) {
      first = await post(item.send, token, { client_id: item.client_id, data: item.data,
                                             content_hash: item.content_hash, captured_at: item.captured_at });
      if (verdict(first) !== "sent") return first;
      item.visit_done = true;
      item.url = first.body.url;
      item.message = first.body.message;
      await put("queue", item);
    }
    for (const photo of item.photos || []) {
      if (photo.state === "sent" || photo.state === "refused") continue;
      const form = new FormData();
      form.append("visit", item.client_id);
      form.append("client_id", photo.client_id);
      form.append("captured_at", photo.captured_at);
      form.append("caption", photo.caption || "");
      form.append("photo", photo.blob, photo.name);
      const answer = await post(item.photo, token, form);
      const outcome = verdict(answer);
      if (outcome === "retry") return answer;
      photo.state = outcome === "sent" ? "sent" : "refused";
      photo.message = answer.body.message;
      await put("queue", item);
    }
    return first;
  }

  let flushing = false;

  // The page and the service worker (background sync) both send when the network returns.
  // A Web Lock held across both makes that one sender at a time, so an item is not read as
  // "pending" by each and uploaded twice (the server would answer the replay, but it is wasted
  // signal on a weak line); where the browser has no Web Locks the "sending"
  // mark below still keeps a second sender away after the first has claimed the item.
  function flush(user, csrf, onChange, force) {
    if (root.navigator && root.navigator.locks) {
      // The second sender waits its turn, finds the items sent and redraws from the store.
      return root.navigator.locks.request("ocop-offline-queue", () => send(user, csrf, onChange, force));
    }
    return send(user, csrf, onChange, force);
  }

  // Send the user's waiting items one at a time, oldest first; stop at the first failure of
  // the network or the session (the next attempt waits longer, up to five minutes).
  async function send(user, csrf, onChange, force) {
    if (flushing) return;
    flushing = true;
    try {
      const items = (await all("queue"))
        // An item another sender (the page or the worker) took less than a minute ago is
        // left to it: one upload at a time per item.
        .filter((i) => i.user === user && (i.state === "pending"
          || (i.state === "sending" && Date.now() - (i.sending_at || 0) > 60000)))
        .sort((a, b) => (a.captured_at < b.captured_at ? -1 : 1));
      for (const item of items) {
        if (!force && item.next_at && item.next_at > Date.now()) break;
        item.state = "sending";
        item.sending_at = Date.now();
        await put("queue", item);
        if (onChange) onChange();
        let answer;
        try {
          answer = await (item.kind === "visit" ? sendVisit : sendSheet)(item, csrf || item.csrf);
        } catch (error) {
          await backoff(item, "network");
          break;
        }
        const outcome = verdict(answer);
        if (outcome === "retry") {
          await backoff(item, answer.login ? "login" : "server");
          break;
        }
        item.state = outcome;
        item.message = answer.body.message;
        item.fields = answer.body.fields || null; // which fields the server refused, to correct
        if (outcome === "sent") {
          item.done_at = new Date().toISOString();
          if (item.draft_key) await remove("drafts", item.draft_key);
          (item.photos || []).forEach((photo) => { delete photo.blob; }); // the server has them
        }
        if (outcome === "conflict") item.server = answer.body.server;
        await put("queue", item);
        if (onChange) onChange();
      }
    } finally {
      flushing = false;
      if (onChange) onChange();
    }
  }

  // --- what the scoring page (offline.js) and the visit page (visit.js) share ---------------
  // Called from a page only: the service worker has no document.

  // The page's CSRF token: the cookie, else a form's hidden field.
  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // A question to the active service worker, answered through a message channel.
  function ask(message) {
    return navigator.serviceWorker.ready.then((registration) => new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      registration.active.postMessage(message, [channel.port2]);
    }));
  }

  // A page's offline panel: its buttons, the connection banner, the service worker, and the
  // queue sent now when online, or when the network is back. The page gives its user, its
  // script element (data-sw, data-scope, data-queue), render() (draw the queue), sync(refresh)
  // and autoSync() (keep its pages on the device), exportPending() and ready() (its own start,
  // before the first send). Returns send(force) and queued(), to call once an item is queued.
  function panel(page) {
    const $ = (id) => document.getElementById(id);
    const banner = () => { $("offline-banner").hidden = navigator.onLine; };
    const send = async (force) => {
      if (navigator.onLine || force) await flush(page.user, csrf(), page.render, force);
    };

    async function queued() {
      if (!navigator.onLine) {
        // Online, the page sends it now; offline, the browser may send it once the network is
        // back even if the page is closed (one sender at a time: the page's own send is not
        // raced by the worker's).
        try {
          const registration = await navigator.serviceWorker.ready;
          if (registration.sync) await registration.sync.register("ocop-queue");
        } catch (error) { /* no background sync: the page sends on load and on "online" */ }
      }
      await send(false);
    }

    $("offline-retry").addEventListener("click", () => send(true));
    $("offline-save").addEventListener("click", () => page.sync(true));
    $("offline-export").addEventListener("click", page.exportPending);
    window.addEventListener("online", () => { banner(); send(true).then(() => page.sync(false)); });
    window.addEventListener("offline", banner);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data && event.data.type === "queue") page.render();
      });
    }

    (async () => {
      banner();
      await put("meta", { key: "session", user: page.user });
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => undefined);
      if ("serviceWorker" in navigator) {
        const url = page.script.dataset.sw + "?q=" + encodeURIComponent(page.script.dataset.queue);
        navigator.serviceWorker.register(url, { scope: page.script.dataset.scope }).catch(() => undefined);
      }
      await page.ready();
      document.documentElement.dataset.offlineReady = "1";
      await send(false);
      if (navigator.onLine && "serviceWorker" in navigator) await page.autoSync();
    })();
    return { send, queued };
  }

  root.OcopQueue = { get, put, remove, all, hash, hashValue, sheetHash, canonical, canonicalComments, flush,
                     csrf, ask, panel };
})(self);
