/* Home map: the city's kelurahan from the platform's own GeoJSON; tiles only when configured. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true });
  var tileUrl = el.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var b = (el.dataset.bbox || "").split(",").map(Number);  // the city's bounds, until its kelurahan load
  if (b.length === 4 && !b.some(isNaN)) { map.fitBounds([[b[1], b[0]], [b[3], b[2]]]); }
  var status = document.getElementById("map-status");
  var palette = ["#d9f0e3", "#a9dcc0", "#6fc29a", "#3aa174", "#0b6e4f"];
  function colour(density) {
    if (density === null || density === undefined) { return "#ccc"; }
    var steps = [50, 80, 110, 140];
    for (var i = 0; i < steps.length; i++) { if (density < steps[i]) { return palette[i]; } }
    return palette[4];
  }
  fetch(el.dataset.geojson, { headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (fc) {
      var layer = L.geoJSON(fc, {
        style: function (f) {
          return { color: "#1d2433", weight: 1, fillColor: colour(f.properties.density_per_ha), fillOpacity: 0.75,
            className: "kelurahan kel-" + f.properties.code.replace(/\./g, "-") };
        },
        onEachFeature: function (f, lyr) {
          var p = f.properties;
          lyr.bindTooltip(p.name + " (" + p.kecamatan + ")");
          lyr.bindPopup("<strong>" + p.name + "</strong><br>" + p.kecamatan + "<br>" +
            el.dataset.labelPopulation + ": " + window.KotaPintar.number(p.population) + "<br>" +
            el.dataset.labelArea + ": " + p.area_ha + " ha");
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      var legend = L.control({ position: "bottomleft" });
      legend.onAdd = function () {
        var div = L.DomUtil.create("div", "map-legend");
        var edges = [0, 50, 80, 110, 140];
        var rows = [el.dataset.labelDensity];
        for (var i = 0; i < edges.length; i++) {
          var label = edges[i] + (i + 1 < edges.length ? "–" + edges[i + 1] : "+");
          rows.push('<i style="background:' + palette[i] + '"></i>' + label);
        }
        div.innerHTML = rows.join("<br>");
        return div;
      };
      legend.addTo(map);
      el.dataset.features = String(fc.features.length);
      if (status) { status.textContent = fc.features.length + " kelurahan"; }
    })
    .catch(function (err) { if (status) { status.textContent = "⚠ " + err; } });
})();
