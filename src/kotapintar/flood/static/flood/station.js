/* Station page: the chosen range (raw readings, or hourly/daily averages with their min–max band)
   with the station's current thresholds as dashed lines. Points are [time, value, min, max]. */
(function () {
  "use strict";
  var canvas = document.getElementById("station-chart");
  var node = document.getElementById("chart-data");
  if (!canvas || !node || !window.Chart) { return; }
  var data = JSON.parse(node.textContent);
  var series = data.series[data.parameter];
  var status = document.getElementById("chart-status");
  if (!series || !series.points.length) { if (status) { status.textContent = "–"; } return; }
  var daily = data.resolution === "daily";
  var labels = series.points.map(function (p) { return daily ? p[0].slice(0, 10) : p[0].slice(5, 16).replace("T", " "); });
  var colours = ["#fab005", "#fd7e14", "#c92a2a"];
  var datasets = [{ label: data.parameter + " (" + series.unit + ")", data: series.points.map(function (p) { return p[1]; }),
    borderColor: "#1c7ed6", backgroundColor: "rgba(28,126,214,0.1)", pointRadius: 0, borderWidth: 2, fill: data.resolution === "raw", tension: 0.2 }];
  if (data.resolution !== "raw") {
    datasets.push({ label: "max", data: series.points.map(function (p) { return p[3]; }),
      borderColor: "rgba(28,126,214,0.35)", pointRadius: 0, borderWidth: 1, fill: false });
    datasets.push({ label: "min", data: series.points.map(function (p) { return p[2]; }),
      borderColor: "rgba(28,126,214,0.35)", backgroundColor: "rgba(28,126,214,0.12)", pointRadius: 0, borderWidth: 1, fill: "-1" });
  }
  data.thresholds.forEach(function (t, i) {
    datasets.push({ label: t.label + " " + t.value, data: labels.map(function () { return t.value; }),
      borderColor: colours[i], borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, fill: false });
  });
  new window.Chart(canvas, { type: "line", data: { labels: labels, datasets: datasets },
    options: { animation: false, responsive: true, interaction: { mode: "index", intersect: false },
      scales: { x: { ticks: { maxTicksLimit: 12 } } } } });
  canvas.dataset.points = String(series.points.length);
})();
