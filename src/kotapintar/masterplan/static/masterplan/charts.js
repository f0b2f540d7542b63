/* Charts of the master plan pages (Chart.js, vendored). Data comes from json_script blocks. */
(function () {
  "use strict";
  var PALETTE = ["#0b6e4f", "#b5651d", "#2e90fa", "#7a5af8", "#e04f5f", "#667085"];
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var rupiah = window.KotaPintar.rupiahShort;  // core/numbers.js
  function draw() {
    if (typeof Chart === "undefined") return;
    var radar = data("radar-data");
    var canvas = document.getElementById("radar");
    if (radar && canvas) {
      new Chart(canvas, {
        type: "radar",
        data: {
          labels: radar.labels,
          datasets: radar.datasets.map(function (d, i) {
            return { label: d.label, data: d.data, borderColor: PALETTE[i], backgroundColor: PALETTE[i] + "33" };
          })
        },
        options: { scales: { r: { min: 0, max: 5, ticks: { stepSize: 1 } } } }
      });
    }
    var budget = data("budget-data");
    if (budget) {
      var years = document.getElementById("budget-years");
      if (years) {
        new Chart(years, {
          type: "bar",
          data: {
            labels: budget.years,
            datasets: budget.sources.map(function (s, i) {
              return { label: s, data: budget.series[i], backgroundColor: PALETTE[i] };
            })
          },
          options: { scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: rupiah } } } }
        });
      }
      var sources = document.getElementById("budget-sources");
      if (sources) {
        new Chart(sources, {
          type: "doughnut",
          data: { labels: budget.sources, datasets: [{ data: budget.per_source, backgroundColor: PALETTE }] }
        });
      }
      var dims = document.getElementById("budget-dimensions");
      if (dims) {
        new Chart(dims, {
          type: "bar",
          data: { labels: budget.dimensions, datasets: [{ label: "Rp", data: budget.per_dimension, backgroundColor: PALETTE[0] }] },
          options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { ticks: { callback: rupiah } } } }
        });
      }
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
