// The OCOP service worker (docs/offline.md). Served by the evaluation app at /cham-diem/sw.js
// and by the inspections app at /kiem-tra/sw.js, so each scope covers that app's pages.
// - static files: from the cache, refreshed in the background;
// - pages: network first; the copy kept is only what the server's list says this account may
//   keep (its own assigned, non-conflicted dossiers and their evidence), one account at a time;
// - background sync: sends the queue when the browser says the network is back.
"use strict";
const params = new URL(self.location).searchParams;
if (params.get("q")) importScripts(params.get("q"));

const STATIC = "ocop-static-v1";
const PAGES = "ocop-pages-";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function pageCaches() {
  return (await caches.keys()).filter((key) => key.startsWith(PAGES));
}

async function clearPages() {
  for (const key of await pageCaches()) await caches.delete(key);
}

// Room left for evidence files: the browser's quota minus what is used, keeping a reserve for
// the queue (an inspector's photos) and the browser itself. Unknown → no limit but the list's.
const RESERVE = 50 * 1000 * 1000;

async function room() {
  try {
    const estimate = await self.navigator.storage.estimate();
    if (!estimate.quota) return Infinity;
    return Math.max(0, estimate.quota - (estimate.usage || 0) - RESERVE);
  } catch (error) {
    return Infinity;
  }
}

// Keep what the server's list says this account may keep. Pages are fetched again each time
// (small, and they hold the member's own latest answers); an evidence file already kept is
// fetched again only when the member asks ("refresh"), the others while they fit: within the
// list's limit and the device's free room, the dossier the member is looking at ("first")
// before the others. What did not fit is counted, and shown, not fetched.
async function sync(manifest, options) {
  const opts = options || {};
  let response;
  try {
    response = await fetch(manifest, { credentials: "same-origin", redirect: "manual", cache: "no-store" });
  } catch (error) {
    return { ok: false };
  }
  if (!response.ok || !(response.headers.get("content-type") || "").includes("json")) {
    await clearPages(); // signed out: nothing of the account stays on the device
    return { ok: false };
  }
  const data = await response.json();
  // One cache per account and scope (council pages, inspections pages); another account's
  // copies are deleted.
  const scope = new URL(self.registration.scope).pathname;
  const name = PAGES + data.user + "@" + scope;
  for (const key of await pageCaches()) {
    if (key !== name && (key.endsWith("@" + scope) || !key.startsWith(PAGES + data.user + "@"))) await caches.delete(key);
  }
  const cache = await caches.open(name);
  const absolute = (url) => new URL(url, self.location).href;
  const dossiers = data.dossiers.slice().sort((a, b) => (b.dossier === opts.first) - (a.dossier === opts.first));
  const pages = new Set(data.pages.map(absolute));
  const evidence = [];
  dossiers.forEach((d) => {
    pages.add(absolute(d.url));
    d.evidence.forEach((e) => evidence.push(typeof e === "string" ? { url: absolute(e), size: 0 } : { url: absolute(e.url), size: e.size || 0 }));
  });
  const wanted = new Set([...pages, ...evidence.map((e) => e.url)]);
  for (const request of await cache.keys()) if (!wanted.has(request.url)) await cache.delete(request);
  async function keep(url) {
    try {
      const got = await fetch(url, { credentials: "same-origin", redirect: "manual" });
      if (got.ok) {
        await cache.put(url, got);
        return true;
      }
      await cache.delete(url);
    } catch (error) { /* kept copy stays until the next sync */ }
    return false;
  }
  for (const url of pages) await keep(url);
  let files = 0;
  let bytes = 0;
  let skipped = 0;
  let free = await room();
  const limit = data.evidence_limit || Infinity;
  for (const file of evidence) {
    const kept = await cache.match(file.url);
    if (kept && !opts.refresh) {
      files += 1;
      bytes += file.size;
      continue;
    }
    if (bytes + file.size > limit || (!kept && file.size > free)) {
      skipped += 1;
      continue;
    }
    if (await keep(file.url)) { // (a file now refused, 403/404, is deleted by keep())
      files += 1;
      bytes += file.size;
      if (!kept) free -= file.size;
    }
  }
  const statics = await caches.open(STATIC);
  for (const url of data.static) {
    try {
      if (!(await statics.match(url))) {
        const got = await fetch(url);
        if (got.ok) await statics.put(url, got);
      }
    } catch (error) { /* fetched again when online */ }
  }
  return { ok: true, at: new Date().toISOString(), user: data.user, dossiers: data.dossiers.length,
           references: data.dossiers.map((d) => d.reference), plans: data.dossiers.map((d) => d.dossier),
           files, bytes, skipped };
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (value) => event.ports[0] && event.ports[0].postMessage(value);
  if (data.type === "sync") event.waitUntil(sync(data.manifest, data.options).then(reply));
  if (data.type === "clear") event.waitUntil(clearPages().then(() => reply({ ok: true })));
});

async function fromStatic(request) {
  const cache = await caches.open(STATIC);
  const hit = await cache.match(request);
  const refresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  if (hit) {
    refresh.catch(() => undefined);
    return hit;
  }
  return refresh;
}

async function networkFirst(request) {
  const names = await pageCaches();
  try {
    const response = await fetch(request);
    for (const name of names) {
      const cache = await caches.open(name);
      if (!(await cache.match(request, { ignoreVary: true }))) continue;
      if (response.ok && !response.redirected) await cache.put(request, response.clone());
      else if (response.status === 403 || response.status === 404 || response.redirected) await cache.delete(request);
    }
    return response;
  } catch (error) {
    for (const name of names) {
      // Our pages vary on the cookie and language, which a kept copy of one account does not need.
      const hit = await (await caches.open(name)).match(request, { ignoreVary: true });
      if (hit) return hit;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(fromStatic(request));
    return;
  }
  event.respondWith(networkFirst(request));
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "ocop-queue" || !self.OcopQueue) return;
  event.waitUntil(self.OcopQueue.get("meta", "session")
    .then((session) => (session ? self.OcopQueue.flush(session.user, null, null, true) : undefined))
    .then(() => self.clients.matchAll())
    .then((clients) => clients.forEach((client) => client.postMessage({ type: "queue" }))));
});
