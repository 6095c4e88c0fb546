/* Verifies a certificate's verifiable credential (vc+jwt, ES256) in the browser, with WebCrypto
   only: no library. The issuers' keys (/issuers/keys.json) and every status list are fetched when
   the page opens and kept in localStorage, so that a credential can be checked with the network
   cut; the answer then says as of which day the revocation status is known. The page also
   registers its service worker (verify-sw.js), which keeps the page itself and its files so
   that it opens with the network cut; a copy the worker answers from its cache carries
   X-Ocop-Kept-At, the moment it was fetched, and counts as kept, not fresh. The UNTP DCC JSON
   Schema is run by schema-check.js (a module), through window.ocopSchemaCheck.
   The sentences come translated from the page (#vc-messages). docs/credentials.md. */
(function () {
  "use strict";

  var root = document.getElementById("vc-verify");
  if (!root) { return; }
  var T = JSON.parse(document.getElementById("vc-messages").textContent);
  var TRUST_KEY = "ocop-vc-trust";
  var STATUS_KEY = "ocop-vc-status:";
  var text = document.getElementById("vc-text");
  var file = document.getElementById("vc-file");
  var button = document.getElementById("vc-check");
  var result = document.getElementById("vc-result");
  var trustState = document.getElementById("vc-trust-state");
  var offlineState = document.getElementById("vc-offline-state");
  var KEPT_HEADER = "X-Ocop-Kept-At";

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, name) {
      return values && values[name] !== undefined ? String(values[name]) : "";
    });
  }

  function Refusal(message) { this.message = message; }

  function day(value) {
    var when = value instanceof Date ? value : new Date(value);
    if (isNaN(when.getTime())) { return "?"; }
    return when.toLocaleDateString("vi-VN", {
      timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric"
    });
  }

  function bytesOf(part) {
    if (!/^[A-Za-z0-9_-]+$/.test(part)) { throw new Refusal(T.malformed); }
    var b64 = part.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw;
    try { raw = atob(b64); } catch (e) { throw new Refusal(T.malformed); }
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function base64url(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /* The credential a certificate's printed QR code carries (docs/credentials.md, "The QR code";
     ocop/credentials/qrlink.py is the same format in Python): /verify/<number>#vc=<data>, the
     fragment never sent to the server. Format 1: a version byte, deflate-raw of the header and
     payload JSON joined by a newline, then the 64-byte signature; the vc+jwt is rebuilt byte for
     byte. */
  var QR_PREFIX = "#vc=";

  async function tokenFromLink(data) {
    var refuse = new Refusal(T.qr_unreadable);
    var raw;
    try { raw = bytesOf(data); } catch (e) { throw refuse; }
    if (raw.length <= 65 || raw[0] !== 1) { throw refuse; }
    var body = raw.slice(1, raw.length - 64);
    var joined;
    try {
      var stream = new Blob([body]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
      joined = new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (e) { throw refuse; }
    var cut = joined.indexOf(10);
    if (cut < 0) { throw refuse; }
    return [joined.slice(0, cut), joined.slice(cut + 1), raw.slice(raw.length - 64)]
      .map(base64url).join(".");
  }

  function jsonOf(part) {
    try {
      var value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytesOf(part)));
      if (value && typeof value === "object") { return value; }
    } catch (e) {
      if (e instanceof Refusal) { throw e; }
    }
    throw new Refusal(T.malformed);
  }

  function load(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full: no cache */ }
  }

  /* The payload of a compact JWS once its ES256 signature is checked against a pinned key of
     the issuer it names; throws a Refusal naming the problem. */
  async function checkSignature(token, trust, expectedType) {
    var parts = token.trim().split(".");
    if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2]) {
      throw new Refusal(T.malformed);
    }
    var header = jsonOf(parts[0]);
    var payload = jsonOf(parts[1]);
    if (header.alg !== "ES256" || header.typ !== "vc+jwt") { throw new Refusal(T.algorithm); }
    if (!Array.isArray(payload.type) || payload.type.indexOf(expectedType) < 0) {
      throw new Refusal(T.not_credential);
    }
    var issuerId = payload.issuer && typeof payload.issuer === "object" ?
      payload.issuer.id : payload.issuer;
    var issuer = trust.issuers.find(function (i) { return i.id === issuerId; });
    if (!issuer) { throw new Refusal(say(T.unknown_issuer, { issuer: issuerId || "?" })); }
    var kid = String(header.kid || "");
    var key = kid.indexOf(issuer.id + "#") === 0 && issuer.keys.find(function (k) {
      return k.kid === kid.slice(issuer.id.length + 1);
    });
    if (!key) { throw new Refusal(say(T.unknown_key, { issuer: issuer.name })); }
    if (key.state === "compromised") {
      throw new Refusal(say(T.compromised, { issuer: issuer.name, day: day(key.compromised_at) }));
    }
    var publicKey = await crypto.subtle.importKey(
      "jwk", { kty: "EC", crv: "P-256", x: key.jwk.x, y: key.jwk.y, ext: true },
      { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    var good = await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" }, publicKey, bytesOf(parts[2]),
      new TextEncoder().encode(parts[0] + "." + parts[1]));
    if (!good) { throw new Refusal(say(T.signature, { issuer: issuer.name })); }
    return { payload: payload, issuer: issuer };
  }

  async function inflate(encoded) {
    if (encoded.charAt(0) !== "u") { throw new Refusal(T.bad_status); }
    var packed = bytesOf(encoded.slice(1));
    var stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  /* The status list a credential names: fresh from the server when the network allows, else
     the copy kept when the page was last opened online. */
  function sameSite(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; }
  }

  async function statusList(url) {
    try {
      // Only this site's lists: the page's CSP allows no other (a list elsewhere, or this site
      // reached under another name than SITE_URL, answers from the kept copy if any).
      if (!sameSite(url)) { throw new Error("another site"); }
      var response = await fetch(url, { cache: "no-store" });
      if (response.ok) {
        // The service worker's kept copy (network cut) says when it was fetched.
        var keptAt = response.headers.get(KEPT_HEADER);
        var kept = { jwt: (await response.text()).trim(), fetched: keptAt || new Date().toISOString() };
        save(STATUS_KEY + url, kept);
        return { jwt: kept.jwt, fetched: kept.fetched, fresh: !keptAt };
      }
    } catch (e) { /* offline, or another origin: fall back to the kept copy */ }
    var copy = load(STATUS_KEY + url);
    return copy ? { jwt: copy.jwt, fetched: copy.fetched, fresh: false } : null;
  }

  async function verify(token, trust) {
    var checked = await checkSignature(token, trust, "DigitalConformityCredential");
    var vc = checked.payload;
    var issuer = checked.issuer;
    var problems = [];
    var notes = [];
    var now = new Date();
    var from = new Date(vc.validFrom);
    var until = new Date(vc.validUntil);
    if (isNaN(from.getTime()) || isNaN(until.getTime())) {
      problems.push(T.malformed);
    } else {
      if (now < from) { problems.push(say(T.not_yet, { day: day(from) })); }
      if (now >= until) {
        problems.push(say(T.expired, { day: day(new Date(until.getTime() - 86400000)) }));
      }
    }
    // The UNTP DCC JSON Schema (schema-check.js, a vendored validator), as the command line.
    var shape = window.ocopSchemaCheck ? await window.ocopSchemaCheck(vc) : { checked: false };
    if (!shape.checked) {
      notes.push(T.no_schema);
    } else if (shape.problems.length) {
      shape.problems.slice(0, 3).forEach(function (p) { problems.push(say(T.schema, p)); });
    } else {
      notes.push(T.schema_ok);
    }
    var status = vc.credentialStatus || {};
    var list = status.statusListCredential ? await statusList(status.statusListCredential) : null;
    if (!list) {
      problems.push(T.no_status);
    } else {
      try {
        var listed = await checkSignature(list.jwt, trust, "BitstringStatusListCredential");
        if (listed.issuer.id !== issuer.id || listed.payload.id !== status.statusListCredential) {
          throw new Refusal(T.bad_status);
        }
        var bits = await inflate(listed.payload.credentialSubject.encodedList);
        var index = parseInt(status.statusListIndex, 10);
        if (!(index >= 0 && index < bits.length * 8)) { throw new Refusal(T.bad_status); }
        if (bits[index >> 3] & (0x80 >> (index % 8))) {
          problems.push(say(T.revoked, { issuer: issuer.name }));
        }
        notes.push(list.fresh ? T.checked_now : say(T.as_of, { day: day(list.fetched) }));
      } catch (e) {
        problems.push(e instanceof Refusal ? e.message : T.bad_status);
      }
    }
    return { vc: vc, issuer: issuer, problems: problems, notes: notes };
  }

  function show(ok, title, lines) {
    result.hidden = false;
    result.className = "verdict " + (ok ? "verdict-valid" : "verdict-revoked");
    result.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = title;
    result.appendChild(strong);
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      result.appendChild(p);
    });
  }

  function details(outcome) {
    var subject = outcome.vc.credentialSubject || {};
    var assessment = (subject.assessment || [])[0] || {};
    var product = ((assessment.assessedProduct || [])[0] || {}).product || {};
    var stars = ((assessment.declaredValue || [])[0] || {}).metricValue || {};
    var number = String(subject.name || "").split(" ").pop();
    return say(T.valid_detail, {
      product: product.name || "?", stars: stars.value, number: number,
      issuer: outcome.issuer.name,
      day: day(new Date(new Date(outcome.vc.validUntil).getTime() - 86400000))
    });
  }

  var trust = null;

  async function loadTrust() {
    try {
      var response = await fetch(root.dataset.keysUrl, { cache: "no-cache" });
      if (!response.ok) { throw new Error(String(response.status)); }
      var keptAt = response.headers.get(KEPT_HEADER);
      trust = await response.json();
      trust.fetched = keptAt || new Date().toISOString();
      if (keptAt) { offline(); }
      save(TRUST_KEY, trust);
      for (var i = 0; i < trust.status_lists.length; i++) {
        await statusList(trust.status_lists[i]);
      }
    } catch (e) {
      trust = load(TRUST_KEY);
      offline();
    }
    if (trust) {
      trustState.textContent = say(T.keys_saved, {
        count: trust.issuers.length, day: day(trust.fetched)
      });
    } else {
      trustState.textContent = T.no_trust;
    }
    button.disabled = false;
    root.dataset.ready = "1";
  }

  function offline() {
    offlineState.hidden = false;
    offlineState.textContent = T.offline_copy;
  }

  /* What this page uses: its style sheets, scripts and images, and what it fetched (the trust
     list, the status lists). The worker keeps the static files and the public documents among
     them, and nothing else. */
  function usedFiles() {
    var urls = [];
    document.querySelectorAll("link[href]").forEach(function (el) { urls.push(el.href); });
    document.querySelectorAll("script[src], img[src]").forEach(function (el) { urls.push(el.src); });
    performance.getEntriesByType("resource").forEach(function (entry) { urls.push(entry.name); });
    return urls;
  }

  /* Registers the worker and asks it to keep this page. On the first visit the page opened
     before the worker controlled it, so the worker fetches the page and its files itself; later
     visits pass through the worker, which keeps them as they come (network first). */
  async function keepOffline() {
    if (!("serviceWorker" in navigator) || !root.dataset.worker) { return; }
    var controlled = Boolean(navigator.serviceWorker.controller);
    try {
      await navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.scope });
      var registration = await navigator.serviceWorker.ready;
      if (!navigator.onLine || !registration.active) { return; }
      var channel = new MessageChannel();
      var answered = new Promise(function (resolve) {
        channel.port1.onmessage = function (event) { resolve(event.data || {}); };
      });
      var files = usedFiles();
      registration.active.postMessage({
        type: "keep",
        // Once controlled, the page and its documents were kept on their way here: only the
        // list of static files is sent, so that the worker drops an old release's. The lookup
        // page (the scope) is always asked for: offline, a certificate's QR code whose page this
        // phone never opened falls back to it, and its form checks the credential in the code.
        pages: [new URL(root.dataset.scope, location.href).href].concat(
          controlled ? [] : [location.href.split("#")[0]]),
        files: controlled ? files.filter(function (url) {
          return url.indexOf(root.dataset.static) >= 0;
        }) : files
      }, [channel.port2]);
      var outcome = await answered;
      if (controlled || outcome.ok) {
        offlineState.hidden = false;
        offlineState.textContent = T.page_kept;
        root.dataset.offlineReady = "1";
      }
    } catch (e) { /* no worker (not a secure context, private mode): localStorage still helps */ }
  }

  async function check() {
    var token = text.value.trim();
    if (!token) { show(false, T.refused, [T.empty]); return; }
    if (!window.crypto || !crypto.subtle || typeof DecompressionStream === "undefined") {
      show(false, T.refused, [T.no_crypto]);
      return;
    }
    if (!trust) { show(false, T.refused, [T.no_trust]); return; }
    try {
      var outcome = await verify(token, trust);
      if (outcome.problems.length) {
        show(false, T.refused, outcome.problems.concat(outcome.notes));
      } else {
        show(true, T.valid, [details(outcome)].concat(outcome.notes));
      }
    } catch (e) {
      show(false, T.refused, [e instanceof Refusal ? e.message : T.malformed]);
    }
  }

  file.addEventListener("change", function () {
    var chosen = file.files && file.files[0];
    if (!chosen) { return; }
    chosen.text().then(function (content) {
      text.value = content.trim();
      check();
    });
  });
  button.addEventListener("click", check);

  /* Opened from a certificate's QR code: check the credential it carries, once the keys are
     loaded (fresh, or the kept copy when offline). */
  async function checkLink() {
    if (location.hash.indexOf(QR_PREFIX) !== 0) { return; }
    if (typeof DecompressionStream === "undefined") { show(false, T.refused, [T.no_crypto]); return; }
    try {
      text.value = await tokenFromLink(location.hash.slice(QR_PREFIX.length));
    } catch (e) {
      show(false, T.refused, [e instanceof Refusal ? e.message : T.qr_unreadable]);
      return;
    }
    root.scrollIntoView();
    await check();
  }

  loadTrust().then(checkLink).then(function () {
    if (offlineState.hidden) { return keepOffline(); }
  });
})();
