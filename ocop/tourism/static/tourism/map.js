/* Tourism maps (ocop/tourism): destinations as points and itineraries as lines, drawn with
 * Leaflet from django-leaflet's static files (served by ocop/maps/finders.py) over the maps app's
 * schematic province layer, set up by ocop/maps/static/maps/base.js as every map of the platform.
 *
 * Texts come from the data or from the page (data-t-*), always put in with textContent; links
 * are only the app's own paths. data-only="<id>" shows one destination (its own page).
 */
(function () {
  "use strict";

  var el = document.getElementById("tourism-map");
  if (!el || !window.L || !window.OcopMap) { return; }
  var L = window.L, M = window.OcopMap;
  var node = M.node, link = M.link, getJSON = M.getJSON;

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

  var created = M.create(el, 16), map = created.map, base = created.base;

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
      el.appendChild(node("p", M.texts(el)("error"), "map-error"));
      el.setAttribute("data-ready", "error");
    }
  );
})();
