/* Tourism maps (ocop/tourism): destinations as points and itineraries as lines, drawn with
 * Leaflet from django-leaflet's static files (served by ocop/maps/finders.py) over the maps app's
 * schematic province layer. No tiles, no CDN: the same approach as ocop/maps/static/maps/map.js.
 *
 * Texts come from the data or from the page (data-t-*), always put in with textContent; links
 * are only the app's own paths. data-only="<id>" shows one destination (its own page).
 */
(function () {
  "use strict";

  var el = document.getElementById("tourism-map");
  if (!el || !window.L) { return; }
  var L = window.L;
  var VIETNAM = [[8.2, 102.1], [23.5, 114.6]];

  function node(tag, text, className) {
    var n = document.createElement(tag);
    if (text !== undefined && text !== null) { n.textContent = text; }
    if (className) { n.className = className; }
    return n;
  }

  function link(url, text) {
    var a = node("a", text);
    if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") { a.href = url; }
    return a;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function popup(p) {
    var box = node("div");
    box.appendChild(link(p.url, p.name));
    if (p.summary) { box.appendChild(node("div", p.summary)); }
    if (p.kind === "itinerary" && p.stops && p.stops.length) {
      var ol = node("ol");
      p.stops.forEach(function (name) { ol.appendChild(node("li", name)); });
      box.appendChild(ol);
    }
    return box;
  }

  var map = L.map(el, { attributionControl: false, zoomControl: false, zoomSnap: 0.5, minZoom: 4, maxZoom: 16, maxBounds: [[0, 90], [30, 125]] });
  // Leaflet's own control words are English: the page's, instead.
  L.control.zoom({ zoomInTitle: el.getAttribute("data-t-zoom-in"), zoomOutTitle: el.getAttribute("data-t-zoom-out") }).addTo(map);
  map.on("popupopen", function (event) {
    var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) { close.setAttribute("aria-label", el.getAttribute("data-t-close")); close.title = el.getAttribute("data-t-close"); }
  });
  map.fitBounds(VIETNAM);

  var base = getJSON(el.getAttribute("data-boundaries")).then(function (data) {
    L.geoJSON(data, {
      style: { color: "#8a6d3b", weight: 1, fillColor: "#fbf7ec", fillOpacity: 1 },
      interactive: false
    }).addTo(map);
  });

  var only = el.getAttribute("data-only");
  var layers = getJSON(el.getAttribute("data-geojson")).then(function (data) {
    var features = data.features.filter(function (f) {
      return !only || (f.properties.kind === "destination" && String(f.properties.id) === only);
    });
    var markers = 0, routes = 0;
    var group = L.geoJSON({ type: "FeatureCollection", features: features }, {
      pointToLayer: function (feature, latlng) {
        markers += 1;
        return L.circleMarker(latlng, { radius: 9, color: "#b71c1c", weight: 2, fillColor: "#f2b705", fillOpacity: 0.9,
                                        className: "tourism-marker" });
      },
      // Leaflet styles every layer of the collection with this: the points keep their own.
      style: function (feature) {
        return feature.geometry.type === "Point" ? {} : { color: "#1b7f3b", weight: 4, opacity: 0.85, className: "tourism-route" };
      },
      onEachFeature: function (feature, layer) {
        if (feature.geometry.type === "LineString") { routes += 1; }
        layer.bindPopup(popup(feature.properties), { maxWidth: 260 });
      }
    }).addTo(map);
    // The points stay clickable above a route that passes through them.
    group.eachLayer(function (layer) { if (layer.getLatLng) { layer.bringToFront(); } });
    var bounds = group.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds.pad(0.4), { maxZoom: only ? 14 : 13 }); }
    el.setAttribute("data-markers", String(markers));
    el.setAttribute("data-routes", String(routes));
  });

  Promise.all([base, layers]).then(
    function () { el.setAttribute("data-ready", "1"); },
    function () {
      el.appendChild(node("p", el.getAttribute("data-t-error"), "map-error"));
      el.setAttribute("data-ready", "error");
    }
  );
})();
