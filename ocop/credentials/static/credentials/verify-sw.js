// The service worker of the public verify page (docs/credentials.md, "Verifying offline").
// Served by the credentials app at /issuers/verify-sw.js with `Service-Worker-Allowed: /verify/`
// and registered by verify.js with the scope /verify/: it controls only the public verify pages
// (/verify/ and /verify/<number>), never a signed-in page. The council and inspection worker
// (evaluation/offline/sw.js, scopes /cham-diem/ and /kiem-tra/) is another registration; the two
// share the origin's caches, so every cache of this one is named "ocop-verify-…" and it deletes
// no other.
// - pages (navigations within the scope): network first; a copy is kept only of a page that
//   declares itself public (Cache-Control: public — the same for every visitor) and answered 200;
//   with the network cut, the kept copy, else the kept /verify/ page (its form still checks a
//   credential);
// - the trust list, status lists, JSON-LD contexts and the UNTP DCC schema: network first, kept when public; a kept
//   copy is answered with `X-Ocop-Kept-At` (when it was fetched), so the page can say
//   "status as of <day>" instead of "checked now";
// - static files the page uses: from the kept copy (their names carry a hash in production),
//   else the network.
// Everything the worker fetches on its own is fetched without cookies (credentials: "omit").
"use strict";
const params = new URL(self.location).searchParams;
const STATIC_URL = params.get("static") || "/static/";
const PREFIX = "ocop-verify-";
const PAGES = PREFIX + "pages-v1";
const FILES = PREFIX + "files-v1";
const KEPT = "X-Ocop-Kept-At";
const MAX_PAGES = 30; // certificates looked at on this device; the oldest goes first
// The public documents a verifier reads (ocop/credentials/urls.py).
const DOCUMENTS = [/^\/issuers\/keys\.json$/, /^\/issuers\/[^/]+\/status\/\d+$/, /^\/jsonld\/[^/]+$/,
  /^\/schemas\/[^/]+$/];

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil((async () => {
  for (const key of await caches.keys()) {
    if (key.startsWith(PREFIX) && key !== PAGES && key !== FILES) await caches.delete(key);
  }
  await self.clients.claim();
})()));

function scopePath() {
  return new URL(self.registration.scope).pathname;
}

function isPublic(response) {
  const control = (response.headers.get("cache-control") || "").toLowerCase();
  return response.status === 200 && response.type === "basic" && /\bpublic\b/.test(control) &&
    !/\b(private|no-store)\b/.test(control);
}

// A copy to keep: the same answer, with the moment it was fetched.
async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set(KEPT, new Date().toISOString());
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

async function keepPage(url, response) {
  const cache = await caches.open(PAGES);
  await cache.delete(url); // put again at the end: the list is in the order last seen
  await cache.put(url, await stamped(response));
  const kept = await cache.keys();
  for (const request of kept.slice(0, Math.max(0, kept.length - MAX_PAGES))) {
    if (new URL(request.url).pathname !== scopePath()) await cache.delete(request);
  }
}

async function page(request) {
  try {
    const response = await fetch(request);
    if (isPublic(response) && !response.redirected) await keepPage(request.url, response.clone());
    return response;
  } catch (error) {
    const cache = await caches.open(PAGES);
    const hit = (await cache.match(request.url)) || (await cache.match(new URL(scopePath(), self.location).href));
    if (hit) return hit;
    throw error;
  }
}

async function publicDocument(request) {
  const cache = await caches.open(FILES);
  try {
    const response = await fetch(request);
    if (isPublic(response)) await cache.put(request.url, await stamped(response.clone()));
    return response;
  } catch (error) {
    const hit = await cache.match(request.url);
    if (hit) return hit;
    throw error;
  }
}

// From the kept copy, refreshed in the background (as the council worker does).
async function staticFile(request) {
  const cache = await caches.open(FILES);
  const hit = await cache.match(request.url);
  const refresh = fetch(request).then(async (response) => {
    if (response.ok && response.type === "basic") await cache.put(request.url, response.clone());
    return response;
  });
  if (hit) {
    refresh.catch(() => undefined);
    return hit;
  }
  return refresh;
}

// The page asks, once open, that it and what it uses be kept: on the first visit it opened
// before this worker controlled it, so nothing passed through here yet.
async function keep(data) {
  const files = await caches.open(FILES);
  const wanted = new Set();
  for (const raw of data.files || []) {
    const url = new URL(raw, self.location);
    if (url.origin !== self.location.origin) continue;
    const isStatic = url.pathname.startsWith(STATIC_URL);
    if (!isStatic && !DOCUMENTS.some((pattern) => pattern.test(url.pathname))) continue;
    if (isStatic) wanted.add(url.href);
    if (isStatic && (await files.match(url.href))) continue;
    try {
      const response = await fetch(url.href, { credentials: "omit", cache: "no-cache" });
      if (isStatic ? response.ok : isPublic(response)) {
        await files.put(url.href, isStatic ? response : await stamped(response));
      }
    } catch (error) { /* kept at the next visit */ }
  }
  // A new release names its static files anew: drop the files the page no longer uses, and
  // fetch again the other pages kept, which named the old ones.
  const pages = new Set(data.pages || []);
  if (wanted.size) {
    let dropped = false;
    for (const request of await files.keys()) {
      if (new URL(request.url).pathname.startsWith(STATIC_URL) && !wanted.has(request.url)) {
        await files.delete(request);
        dropped = true;
      }
    }
    if (dropped) for (const request of await (await caches.open(PAGES)).keys()) pages.add(request.url);
  }
  let kept = 0;
  for (const raw of pages) {
    const url = new URL(raw, self.location);
    if (url.origin !== self.location.origin || !url.pathname.startsWith(scopePath())) continue;
    try {
      const response = await fetch(url.href, { credentials: "omit", cache: "no-cache" });
      if (isPublic(response) && !response.redirected) {
        await keepPage(url.href, response);
        kept += 1;
      }
    } catch (error) { /* kept at the next visit */ }
  }
  return { ok: kept > 0, pages: kept };
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (value) => event.ports[0] && event.ports[0].postMessage(value);
  if (data.type === "keep") event.waitUntil(keep(data).then(reply, () => reply({ ok: false })));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (url.pathname.startsWith(scopePath())) event.respondWith(page(request));
    return;
  }
  if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(staticFile(request));
    return;
  }
  if (DOCUMENTS.some((pattern) => pattern.test(url.pathname))) event.respondWith(publicDocument(request));
  // Anything else (the credential download, the complaint form) goes to the network untouched.
});
