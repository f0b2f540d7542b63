/* Ruang Kendali: asks the JSON snapshot every `data-poll` seconds and updates the tiles in place (value,
   age, grey "data terlambat" when stale), the lists and the incident map; the kiosk rotates its panels.
   A 401/403 (a revoked display link) stops the screen at once. No libraries besides Leaflet. */
(function () {
  "use strict";
  var room = document.getElementById("room");
  if (!room) { return; }
  var d = room.dataset;
  var pollMs = Math.max(1, Number(d.poll) || 30) * 1000;
  var timer = null;
  function byId(id) { return document.getElementById(id); }
  function esc(s) { return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; }); }
  function fill(id, items, row, empty) {
    var el = byId(id);
    if (!el) { return; }
    el.innerHTML = items.length ? items.map(row).join("") : (empty ? '<li class="muted">' + esc(empty) + "</li>" : "");
  }

  var mapEl = byId("room-map"), map = null, markers = null;
  if (mapEl && window.L) {
    map = L.map(mapEl, { zoomSnap: 0.25, attributionControl: !!d.tileUrl });
    if (d.tileUrl) { L.tileLayer(d.tileUrl, { attribution: d.tileAttribution || "", maxZoom: 19 }).addTo(map); }
    markers = L.layerGroup().addTo(map);
    fetch(d.geojson, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); }).then(function (fc) {
      var kel = L.geoJSON(fc, { style: { color: "#1d2433", weight: 1, fillColor: "#e9f5ee", fillOpacity: 0.55 } }).addTo(map);
      map.fitBounds(kel.getBounds(), { padding: [6, 6] });
      kel.bringToBack();
    }).catch(function () {});
  }
  function drawIncidents(list) {
    if (!markers) { return; }
    markers.clearLayers();
    list.forEach(function (i) {
      var icon = L.divIcon({ className: "", html: '<div class="station-marker lvl-' + Number(i.level) + '"></div>', iconSize: [16, 16] });
      L.marker([i.lat, i.lon], { icon: icon, title: i.station }).bindTooltip(esc(i.station) + " · " + esc(i.level_name)).addTo(markers);
    });
    mapEl.dataset.incidents = String(list.length);
  }
  var first = byId("room-incidents-data");
  if (first) { drawIncidents(JSON.parse(first.textContent)); }

  function setTile(t) {
    room.querySelectorAll('[data-tile="' + t.id + '"]').forEach(function (el) {
      el.querySelector(".v").textContent = t.value;
      el.querySelector(".u").textContent = t.unit;
      el.querySelector(".tile-age").textContent = t.age;
      el.classList.toggle("stale", !!t.stale);
      el.querySelector(".tile-late").hidden = !t.stale;
    });
  }
  function bar(label, pct, num) {
    return '<li><span class="bar-label">' + esc(label) + '</span><span class="bar"><i style="width:' + Number(pct).toFixed(1) +
      '%"></i></span><span class="bar-num">' + esc(num) + "</span></li>";
  }
  function apply(s) {
    s.tiles.forEach(setTile);
    if (s.plan) {
      fill("room-dims", s.plan.dimensions, function (x) { return bar(x.name, x.percent, x.done + "/" + x.total); });
      fill("room-budget", s.plan.budget_dimensions, function (x) { return bar(x.name, x.percent, x.amount); });
      fill("room-realised-years", s.plan.realisation.years, function (y) {
        return bar(y.label, y.bar, y.percent).replace("<li>", y.over ? '<li class="over">' : "<li>"); });
      var rb = room.querySelector("#room-realised-opds tbody");
      if (rb && s.plan.realisation.opds.length) { rb.innerHTML = s.plan.realisation.opds.map(function (o) {
        return "<tr" + (o.over ? ' class="over"' : "") + "><td>" + esc(o.label) + '</td><td class="num">' + esc(o.planned) +
          '</td><td class="num">' + esc(o.realised) + '</td><td class="num">' + esc(o.percent) + "</td></tr>"; }).join(""); }
      var body = room.querySelector("#room-opds tbody");
      if (body) { body.innerHTML = s.plan.opds.slice(0, 6).map(function (o) {
        return "<tr><td>" + esc(o.opd) + '</td><td class="num">' + o.programmes + '</td><td class="num">' + o.done + "/" + o.total + "</td></tr>"; }).join(""); }
    }
    if (s.indicators) {
      var c = s.indicators.counts, rag = byId("room-rag");
      if (rag) { rag.innerHTML = '<span class="status green">' + c.green + '</span> <span class="status amber">' + c.amber +
        '</span> <span class="status red">' + c.red + '</span> <span class="status">' + c.none + " " + esc(d.lReason) + "</span>"; }
      fill("room-indicators", s.indicators.rows, function (r) {
        var spark = r.trend.map(function (p) { return '<i title="' + esc(p.period) + ": " + esc(p.value === null ? p.reason : p.value) +
          '"' + (p.value === null ? ' class="gap"' : ' style="height:' + Number(p.h) + '%"') + "></i>"; }).join("");
        return '<li class="ind ' + esc(r.status) + '"><span class="status ' + esc(r.status) + '">' + esc(r.programme) + "</span> " +
          esc(r.name) + ": <b>" + esc(r.value) + "</b> / " + esc(r.target) + " " + esc(r.unit) +
          (r.reason ? ' <em class="muted">(' + esc(r.reason) + ")</em>" : "") + '<span class="spark">' + spark + "</span></li>";
      });
    }
    fill("room-incidents", s.flood.incidents.slice(0, 6), function (i) {
      return '<li><span class="tag lvl-' + Number(i.level) + '">' + esc(i.level_name) + "</span> " + esc(i.station) + " · " + esc(i.opened) + "</li>"; });
    drawIncidents(s.flood.incidents);
    fill("room-events", s.events.rows, function (e) {
      return '<li><a href="' + esc(e.url) + '">' + esc(e.name) + '</a> <span class="muted small">' + esc(e.time) + "</span></li>"; });
    byId("room-generated").textContent = s.generated;
    byId("room-error").hidden = true;
    room.dataset.polls = String(Number(room.dataset.polls || 0) + 1);
  }
  function refused() {
    window.clearInterval(timer);
    room.classList.add("refused");
    var e = byId("room-error");
    e.textContent = d.lRefused; e.hidden = false;
  }
  function poll() {
    fetch(d.source, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { refused(); return null; }
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (s) { if (s) { apply(s); markFits(); } })
      .catch(function () { var e = byId("room-error"); e.textContent = d.lOffline; e.hidden = false; });
  }
  timer = window.setInterval(poll, pollMs);

  // A column longer than the screen scrolls inside itself and fades at its foot; one that fits does not fade.
  var markFits = function () {
    room.querySelectorAll(".room-col").forEach(function (c) { c.classList.toggle("fits", c.scrollHeight <= c.clientHeight + 1); });
  };
  markFits();
  window.addEventListener("resize", markFits);

  if (d.kiosk) {  // the kiosk: one page of panels at a time, each for data-rotate seconds
    var pages = [["plan", "budget", "indicators"], ["quickwins", "flood", "today"]], page = 0;
    var show = function () {
      room.querySelectorAll(".room-panel").forEach(function (p) { p.classList.toggle("on", pages[page].indexOf(p.dataset.panel) >= 0); });
      room.dataset.page = String(page);
      if (map) { map.invalidateSize(); }
    };
    show();
    window.setInterval(function () { page = (page + 1) % pages.length; show(); }, Math.max(1, Number(d.rotate) || 20) * 1000);
    var fs = byId("room-fullscreen");
    if (fs) { fs.addEventListener("click", function () { if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); } }); }
  }
})();
