/* Venues of Batik Fusion on a Leaflet map: the city's kelurahan as a base (no tiles by default). */
(function () {
  "use strict";
  var el = document.getElementById("venue-map");
  var dataEl = document.getElementById("venue-points");
  if (!el || !dataEl || !window.L) { return; }
  var points = JSON.parse(dataEl.textContent);
  var map = L.map(el, { zoomSnap: 0.25 });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var markers = L.featureGroup().addTo(map);
  points.forEach(function (p) {
    var m = L.circleMarker([p.lat, p.lon], { radius: 8, color: "#7a2e0e", weight: 2, fillColor: "#f79009",
      fillOpacity: 0.9, className: "venue venue-" + p.code });
    var box = document.createElement("div");
    var strong = document.createElement("strong");
    strong.textContent = p.name;
    box.appendChild(strong);
    if (p.address) { box.appendChild(document.createElement("br")); box.appendChild(document.createTextNode(p.address)); }
    m.bindPopup(box);
    m.bindTooltip(p.name);
    markers.addLayer(m);
  });
  function fit() {
    if (points.length) { map.fitBounds(markers.getBounds(), { padding: [40, 40], maxZoom: 16 }); }
    else {
      var b = (el.dataset.bbox || "").split(",").map(Number);
      if (b.length === 4 && !b.some(isNaN)) { map.fitBounds([[b[1], b[0]], [b[3], b[2]]]); }
      else { map.setView([0, 118], 5); }  // no city set up yet: Indonesia
    }
  }
  fit();
  fetch(el.dataset.geojson, { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (fc) {
      var base = L.geoJSON(fc, { style: { color: "#98a2b3", weight: 1, fillColor: "#f2f4f7", fillOpacity: 0.6 },
        interactive: false }).addTo(map);
      base.bringToBack();
      el.dataset.ready = "1";
    })
    .catch(function () { el.dataset.ready = "1"; });
})();
