/* Tourism office analytics charts (Chart.js, vendored). */
(function () {
  "use strict";
  var dataEl = document.getElementById("chart-data");
  if (!dataEl || !window.Chart) { return; }
  var data = JSON.parse(dataEl.textContent);
  var rupiah = window.KotaPintar.rupiahShort;  // core/numbers.js
  var colours = ["#0b6e4f", "#f79009", "#7a2e0e", "#2e90fa", "#9e77ed", "#f04438"];
  var days = document.getElementById("chart-days");
  if (days) {
    // x is a day number (days since 1970-01-01): a real time axis, gaps between events keep their length;
    // each event is its own set of points, never joined to another event by a line
    var dayLabel = function (v) {
      return new Date(v * 86400000).toLocaleDateString(document.documentElement.lang || "id", { day: "numeric", month: "short", timeZone: "UTC" });
    };
    new window.Chart(days, { type: "scatter", data: { datasets: data.series.map(function (s, i) {
      return { label: s.label, data: s.data, borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length],
        pointRadius: 5, showLine: false };
    }) }, options: { animation: false, scales: {
      x: { type: "linear", ticks: { stepSize: 1, precision: 0, callback: dayLabel } },
      y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { tooltip: { callbacks: { title: function (items) { return items.length ? dayLabel(items[0].parsed.x) : ""; } } } } } });
  }
  var cats = document.getElementById("chart-categories");
  if (cats) {
    new window.Chart(cats, { type: "bar", data: { labels: data.categories.labels, datasets: [{
      label: "Rp", data: data.categories.data, backgroundColor: colours[0] }] },
      options: { animation: false, plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { callback: rupiah } } } } });
  }
})();
