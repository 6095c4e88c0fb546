/* What every map of the platform shares (ocop/maps/static/maps/map.js, ocop/tourism/static/
 * tourism/map.js): Leaflet from django-leaflet's static files, no tile layer, the schematic
 * province map as the base layer, Vietnamese words on Leaflet's own controls.
 *
 * Texts come from the page (data-t-* attributes, translated by Django) or from the data and are
 * always put in with textContent, never as HTML: a product or producer name cannot inject
 * markup. Links are only the app's own paths. Load after leaflet.js and before the page's map
 * script, which reads window.OcopMap.
 */
(function () {
  "use strict";

  var VIETNAM = [[8.2, 102.1], [23.5, 114.6]];

  function node(tag, text, className) {
    var n = document.createElement(tag);
    if (text !== undefined && text !== null) { n.textContent = text; }
    if (className) { n.className = className; }
    return n;
  }

  function link(url, text) {
    var a = node("a", text);
    // Only the app's own paths: the data never carries another site's address.
    if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") { a.href = url; }
    return a;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  // t("stars", {n: 4}) reads data-t-stars of the map element and fills in "{n}".
  function texts(el) {
    return function (name, values) {
      var text = el.getAttribute("data-t-" + name) || "";
      Object.keys(values || {}).forEach(function (key) {
        text = text.split("{" + key + "}").join(String(values[key]));
      });
      return text;
    };
  }

  // The map over the whole country, its controls in the page's words, and the province base
  // layer read from data-boundaries; answers the map and the promise of the base layer.
  function create(el, maxZoom) {
    var L = window.L, t = texts(el);
    var map = L.map(el, { attributionControl: false, zoomControl: false, zoomSnap: 0.5, minZoom: 4, maxZoom: maxZoom, maxBounds: [[0, 90], [30, 125]] });
    // Leaflet's own control words are English: the page's, instead.
    L.control.zoom({ zoomInTitle: t("zoom-in"), zoomOutTitle: t("zoom-out") }).addTo(map);
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", t("close")); close.title = t("close"); }
    });
    map.fitBounds(VIETNAM);
    var base = getJSON(el.getAttribute("data-boundaries")).then(function (data) {
      L.geoJSON(data, {
        style: { color: "#8a6d3b", weight: 1, fillColor: "#fbf7ec", fillOpacity: 1 },
        interactive: false
      }).addTo(map);
    });
    return { map: map, base: base };
  }

  window.OcopMap = { node: node, link: link, getJSON: getJSON, texts: texts, create: create };
})();
