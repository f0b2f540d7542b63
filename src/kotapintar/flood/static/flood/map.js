/* Live flood map: kelurahan by state, stations with latest value and trend, rob zones, rivers,
   pump houses, shelters and citizen reports of the last hours; refreshed every minute. */
(function () {
  "use strict";
  var el = document.getElementById("flood-map");
  if (!el || !window.L) { return; }
  var d = el.dataset;
  var N = window.KotaPintar.number;  // core/numbers.js: 58,3 in Indonesian
  var status = document.getElementById("flood-map-status");
  var map = L.map(el, { zoomSnap: 0.25 });
  if (d.tileUrl) { L.tileLayer(d.tileUrl, { attribution: d.tileAttribution || "", maxZoom: 19 }).addTo(map); }
  var fills = ["#e9f5ee", "#fff3bf", "#ffc078", "#f76707", "#c92a2a"];
  var kelLayer = L.layerGroup().addTo(map);
  var robLayer = L.layerGroup().addTo(map);
  var riverLayer = L.layerGroup().addTo(map);
  var stationLayer = L.layerGroup().addTo(map);
  var shelterLayer = L.layerGroup().addTo(map);
  var reportLayer = L.layerGroup().addTo(map);
  var overlays = {};
  overlays[d.lKelurahan] = kelLayer;
  if (d.rob) { overlays[d.lRob] = robLayer; }  // rob zones and rivers only where the city ships them
  if (d.rivers) { overlays[d.lRiver] = riverLayer; }
  overlays[d.lStations] = stationLayer; overlays[d.lShelters] = shelterLayer; overlays[d.lCitizen] = reportLayer;
  L.control.layers(null, overlays, { collapsed: true }).addTo(map);
  var fitted = false;

  function esc(s) { return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; }); }
  function trend(t) { return t === "rising" ? "↑ " + d.lRising : t === "falling" ? "↓ " + d.lFalling : "→ " + d.lSteady; }
  function getJSON(url) { return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
    if (!r.ok) { throw new Error(url + ": " + r.status); } return r.json(); }); }

  if (d.rob) getJSON(d.rob).then(function (fc) {
    L.geoJSON(fc, { style: { color: "#1971c2", weight: 0.5, fillColor: "#74c0fc", fillOpacity: 0.35, className: "rob-zone" },
      onEachFeature: function (f, l) { l.bindTooltip(d.lRob + ": " + esc(f.properties.Keterangan)); } }).addTo(robLayer);
  }).catch(function () {});
  if (d.rivers) getJSON(d.rivers).then(function (fc) {
    L.geoJSON(fc, { style: { color: "#1864ab", weight: 2, className: "river" },
      onEachFeature: function (f, l) { if (f.properties.Nama_Sunga) { l.bindTooltip(esc(f.properties.Nama_Sunga)); } } }).addTo(riverLayer);
  }).catch(function () {});

  function draw(data) {
    kelLayer.clearLayers(); stationLayer.clearLayers(); shelterLayer.clearLayers(); reportLayer.clearLayers();
    var kel = L.geoJSON(data.kelurahan, {
      style: function (f) { return { color: "#1d2433", weight: 1, fillColor: fills[f.properties.state] || fills[0], fillOpacity: 0.6,
        className: "kelurahan state-" + f.properties.state + " kel-" + f.properties.code.replace(/\./g, "-") }; },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindPopup("<strong>" + esc(p.name) + "</strong><br>" + d.lState + ": " + esc(p.state_label) +
          "<br>" + d.lReports + ": " + p.reports + (p.max_depth_cm !== null ? " (" + N(p.max_depth_cm, 1) + " cm)" : "") +
          "<br>" + d.lPopulation + ": " + N(p.population) +
          (p.stations_alert.length ? "<br>" + esc(p.stations_alert.join(", ")) : ""));
      } }).addTo(kelLayer);
    if (!fitted) { map.fitBounds(kel.getBounds(), { padding: [10, 10] }); fitted = true; }
    data.stations.forEach(function (s) {
      var cls = "station-marker " + (s.silent ? "silent" : "lvl-" + s.level) + (s.kind === "pump_house" ? " pump" : "");
      var icon = L.divIcon({ className: "", html: '<div class="' + cls + '" data-station="' + esc(s.code) + '"></div>', iconSize: [16, 16] });
      var value = s.silent || s.value === null ? d.lNodata : N(s.value, 1) + " " + esc(s.unit) + " " + trend(s.trend);
      var extra = s.kind === "pump_house" ? "<br>" + d.lPump + ": " + esc(s.pump_state || "–") + " · " + N(s.capacity_lps, 1) + " L/s" : "";
      L.marker([s.lat, s.lon], { icon: icon, title: s.name }).bindPopup(
        '<strong><a href="' + esc(s.url) + '">' + esc(s.name) + "</a></strong><br>" + value +
        (s.time ? " (" + esc(s.time) + ")" : "") + "<br>" + esc(s.silent ? d.lNodata : s.level_name) + extra).addTo(stationLayer);
    });
    data.shelters.forEach(function (s) {
      var icon = L.divIcon({ className: "", html: '<div class="shelter-marker">⌂</div>', iconSize: [18, 16] });
      L.marker([s.lat, s.lon], { icon: icon, title: s.name }).bindPopup("<strong>" + esc(s.name) + "</strong><br>" +
        d.lOccupancy + ": " + N(s.occupancy) + " / " + N(s.capacity) + " (" + esc(s.status) + ")").addTo(shelterLayer);
    });
    data.reports.forEach(function (r) {
      L.circleMarker([r.lat, r.lon], { radius: 6, color: "#5f3dc4", fillColor: r.status === "verified" ? "#7048e8" : "#b197fc",
        fillOpacity: 0.9, className: "citizen-report" }).bindPopup(d.lDepth + ": " + N(r.depth_cm, 1) + " cm<br>" + esc(r.text) +
        "<br><span class=small>" + esc(r.time) + "</span>").addTo(reportLayer);
    });
    el.dataset.kelurahan = String(data.kelurahan.features.length);
    el.dataset.stations = String(data.stations.length);
    if (status) { status.textContent = data.kelurahan.features.length + " kelurahan · " + data.stations.length + " " +
      d.lStations.toLowerCase() + " · " + data.reports.length + " " + d.lReports.toLowerCase() + " · " + data.generated; }
  }
  function refresh() { getJSON(d.source).then(draw).catch(function (err) { if (status) { status.textContent = "⚠ " + err.message; } }); }
  refresh();
  window.setInterval(refresh, 60000);
})();
