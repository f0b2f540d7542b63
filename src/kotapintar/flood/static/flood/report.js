/* Citizen report: tap the map or use the phone's location to fill latitude and longitude. */
(function () {
  "use strict";
  var el = document.getElementById("report-map");
  var lat = document.getElementById("id_lat");
  var lon = document.getElementById("id_lon");
  var marker = null;
  var map = null;
  function place(la, lo) {
    lat.value = la.toFixed(6); lon.value = lo.toFixed(6);
    if (!map) { return; }
    if (marker) { marker.setLatLng([la, lo]); } else { marker = L.marker([la, lo]).addTo(map); }
  }
  if (el && window.L) {
    map = L.map(el, { zoomSnap: 0.25 });
    if (el.dataset.tileUrl) { L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map); }
    var b = (el.dataset.bbox || "").split(",").map(Number);
    if (b.length === 4 && !b.some(isNaN)) {
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
      L.rectangle([[b[1], b[0]], [b[3], b[2]]], { color: "#1d2433", weight: 1, fill: false }).addTo(map);
    } else { map.setView([0, 118], 5); }  // no city set up yet: Indonesia
    fetch("/api/v1/core/kelurahan", { headers: { Accept: "application/json" } }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (fc) { if (fc) { L.geoJSON(fc, { style: { color: "#1d2433", weight: 1, fillOpacity: 0.05 } }).addTo(map); } })
      .catch(function () {});
    map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng); });
    if (lat.value && lon.value) { place(Number(lat.value), Number(lon.value)); }
  }
  var gps = document.getElementById("gps-button");
  var gpsStatus = document.getElementById("gps-status");
  if (gps) {
    gps.addEventListener("click", function () {
      if (!navigator.geolocation) { gpsStatus.textContent = "–"; return; }
      gpsStatus.textContent = "…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        place(pos.coords.latitude, pos.coords.longitude); gpsStatus.textContent = "✓";
        if (map) { map.setView([pos.coords.latitude, pos.coords.longitude], 16); }
      }, function (err) { gpsStatus.textContent = "⚠ " + err.message; }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }
})();
