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
    new window.Chart(days, { type: "line", data: { labels: data.days, datasets: data.series.map(function (s, i) {
      return { label: s.label, data: s.data, borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length], tension: 0.2 };
    }) }, options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
  }
  var cats = document.getElementById("chart-categories");
  if (cats) {
    new window.Chart(cats, { type: "bar", data: { labels: data.categories.labels, datasets: [{
      label: "Rp", data: data.categories.data, backgroundColor: colours[0] }] },
      options: { animation: false, plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { callback: rupiah } } } } });
  }
})();
