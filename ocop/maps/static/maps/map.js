/* The map page (ocop/maps): Leaflet from django-leaflet's static files, no tile layer.
 *
 * The base layer is the app's schematic province map (a static GeoJSON file); the data layers
 * come from the page's JSON endpoints. Every text the reader sees comes from the page (data-t-*
 * attributes, translated by Django) or from the data, and is put in with textContent, never as
 * HTML: a product or producer name cannot inject markup. Links are only the app's own paths.
 */
(function () {
  "use strict";

  var el = document.getElementById("ocop-map");
  if (!el || !window.L || !window.OcopMap) { return; }
  var L = window.L, M = window.OcopMap;
  var t = M.texts(el), node = M.node, link = M.link, getJSON = M.getJSON;

  function showError() {
    if (el.querySelector(".map-error")) { return; }
    el.appendChild(node("p", t("error"), "map-error"));
  }

  function radius(count) { return Math.min(6 + 2.5 * Math.sqrt(count), 24); }

  function areaPopup(area, kind) {
    var box = node("div");
    box.appendChild(node("strong", area.name));
    if (area.key !== area.province_key) { box.appendChild(node("div", provinceNames[area.province_key] || "", "muted")); }
    if (kind === "public") {
      box.appendChild(node("div", t("count-products", { n: area.count })));
    } else {
      box.appendChild(node("div", t("count-producers", { n: area.count, z: area.zones })));
    }
    return box;
  }

  function list(items) {
    var ul = node("ul");
    (items || []).forEach(function (item) {
      var li = node("li");
      li.appendChild(link(item.url, item.name));
      if (item.stars) { li.appendChild(document.createTextNode(" (" + t("stars", { n: item.stars }) + ")")); }
      if (item.note) { li.appendChild(document.createTextNode(" (" + item.note + ")")); }
      ul.appendChild(li);
    });
    return ul;
  }

  // An area's list is read when its popup first opens: the map itself loads only the counts.
  function circles(areas, kind, style, onDetail) {
    var group = L.featureGroup();
    var detailUrl = el.getAttribute("data-" + kind + "-area");
    areas.forEach(function (area) {
      if (area.lat === null || area.lon === null) { return; }
      var size = kind === "public" ? area.count : area.count + area.zones;
      var box = areaPopup(area, kind);
      var status = node("div", t("loading"), "muted");
      box.appendChild(status);
      var loaded = false;
      L.circleMarker([area.lat, area.lon], L.extend({ radius: radius(size), className: "ocop-marker ocop-marker-" + kind }, style))
        .bindPopup(box, { maxWidth: 280 })
        .on("popupopen", function (event) {
          if (loaded) { return; }
          loaded = true;
          getJSON(detailUrl.replace("KEY.json", encodeURIComponent(area.key) + ".json")).then(function (detail) {
            box.removeChild(status);
            box.appendChild(list(detail.items));
            if (detail.zone_items && detail.zone_items.length) { box.appendChild(list(detail.zone_items)); }
            if (onDetail) { onDetail(detail); }
            event.popup.update();
          }, function () { loaded = false; status.textContent = t("error"); });
        })
        .addTo(group);
    });
    return group;
  }

  function zonePopup(feature) {
    var p = feature.properties, box = node("div");
    box.appendChild(link(p.url, p.name));
    box.appendChild(node("div", t("zone", { code: p.code, status: p.status })));
    box.appendChild(node("div", p.producer, "muted"));
    return box;
  }

  var provinceNames = {};

  var created = M.create(el, 13), map = created.map, base = created.base;
  var overlays = {};
  var control = L.control.layers(null, overlays, { collapsed: window.innerWidth < 600 }).addTo(map);
  var toggle = control.getContainer().querySelector(".leaflet-control-layers-toggle");
  if (toggle) { toggle.title = t("layers"); toggle.setAttribute("aria-label", t("layers")); }

  var publicLayer = null;
  var pub = getJSON(el.getAttribute("data-public")).then(function (data) {
    data.provinces.forEach(function (p) { provinceNames[p.key] = p.name; });
    var layer = publicLayer = circles(data.areas, "public", { color: "#b71c1c", weight: 1.5, fillColor: "#f2b705", fillOpacity: 0.85 });
    layer.addTo(map);
    control.addOverlay(layer, t("products"));
    el.setAttribute("data-public-markers", String(layer.getLayers().length));
  });

  var staffUrl = el.getAttribute("data-staff");
  var staff = !staffUrl ? Promise.resolve() : getJSON(staffUrl).then(function (data) {
    data.provinces.forEach(function (p) { provinceNames[p.key] = p.name; });
    var drawn = {};
    var zones = L.geoJSON(null, {
      className: "ocop-zone",  // handed to each polygon when it is made
      style: { color: "#1b7f3b", weight: 2, fillColor: "#7cc48f", fillOpacity: 0.5 },
      onEachFeature: function (feature, layer) { layer.bindPopup(zonePopup(feature), { maxWidth: 280 }); }
    });
    function addShapes(collection) {
      (collection && collection.features || []).forEach(function (feature) {
        if (drawn[feature.properties.code]) { return; }
        drawn[feature.properties.code] = true;
        zones.addData(feature);
      });
      el.setAttribute("data-zone-shapes", String(zones.getLayers().length));
    }
    // A nation-wide account gets an area's zone shapes with its list, when it opens the area.
    var producers = circles(data.areas, "staff", { color: "#0b57a4", weight: 2, fillColor: "#9ec5f0", fillOpacity: 0.35 },
      function (detail) { addShapes(detail.shapes); });
    addShapes(data.zones);
    producers.addTo(map);
    zones.addTo(map);
    control.addOverlay(producers, t("producers"));
    control.addOverlay(zones, t("zones"));
    el.setAttribute("data-staff-markers", String(producers.getLayers().length));
    // An office sees its own area first: zoom to what it manages.
    var bounds = producers.getBounds();
    if (zones.getLayers().length) { bounds.extend(zones.getBounds()); }
    if (bounds.isValid() && data.areas.length && data.provinces.length === 1) { map.fitBounds(bounds.pad(0.5), { maxZoom: 9 }); }
  });

  Promise.all([base, pub, staff]).then(
    function () {
      // The products' circles stay clickable above a producers' circle in the same commune.
      if (publicLayer) { publicLayer.bringToFront(); }
      el.setAttribute("data-ready", "1");
    },
    function () { showError(); el.setAttribute("data-ready", "error"); }
  );
})();
