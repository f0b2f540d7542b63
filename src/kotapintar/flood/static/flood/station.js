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
  var K = window.KotaPintar;  // core/numbers.js: numbers and times in the page language
  var en = (document.documentElement.lang || "id").slice(0, 2) === "en";
  var daily = data.resolution === "daily";
  var labels = series.points.map(function (p) { return daily ? p[0].slice(0, 10) : K.wallClock(p[0]); });
  var colours = ["#fab005", "#fd7e14", "#c92a2a"];
  var datasets = [{ label: series.label || (data.parameter + " (" + series.unit + ")"), data: series.points.map(function (p) { return p[1]; }),
    borderColor: "#1c7ed6", backgroundColor: "rgba(28,126,214,0.1)", pointRadius: 0, borderWidth: 2, fill: data.resolution === "raw", tension: 0.2 }];
  if (data.resolution !== "raw") {
    datasets.push({ label: en ? "max" : "maks", data: series.points.map(function (p) { return p[3]; }),
      borderColor: "rgba(28,126,214,0.35)", pointRadius: 0, borderWidth: 1, fill: false });
    datasets.push({ label: "min", data: series.points.map(function (p) { return p[2]; }),
      borderColor: "rgba(28,126,214,0.35)", backgroundColor: "rgba(28,126,214,0.12)", pointRadius: 0, borderWidth: 1, fill: "-1" });
  }
  data.thresholds.forEach(function (t, i) {
    datasets.push({ label: t.label + " " + K.number(t.value, 1), data: labels.map(function () { return t.value; }),
      borderColor: colours[i], borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, fill: false });
  });
  new window.Chart(canvas, { type: "line", data: { labels: labels, datasets: datasets },
    // The canvas fills its .chart-box (a fixed height, so the chart stays readable on a phone) and
    // shows fewer time labels where the screen is narrow.
    options: { animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
      plugins: { legend: { labels: { boxWidth: 24 } } },
      scales: { x: { ticks: { maxTicksLimit: canvas.parentNode.clientWidth < 500 ? 4 : 12, maxRotation: 0 } } } } });
  canvas.dataset.points = String(series.points.length);
})();

/* The replay chart: the stored series, the thresholds tried and the level the alarm would have had. */
(function () {
  "use strict";
  var canvas = document.getElementById("replay-chart");
  var node = document.getElementById("replay-data");
  if (!canvas || !node || !window.Chart) { return; }
  var data = JSON.parse(node.textContent);
  var labels = data.points.map(function (p) { return p[0].slice(5, 16).replace("T", " "); });
  var colours = ["#fab005", "#fd7e14", "#c92a2a"];
  var datasets = [{ label: "cm", data: data.points.map(function (p) { return p[1]; }), borderColor: "#1c7ed6",
    pointRadius: 0, borderWidth: 1.5, fill: false, yAxisID: "y" }];
  data.thresholds.forEach(function (v, i) {
    datasets.push({ label: String(v), data: labels.map(function () { return v; }), borderColor: colours[i],
      borderDash: [6, 4], pointRadius: 0, borderWidth: 1, fill: false, yAxisID: "y" });
  });
  datasets.push({ label: "0–3", data: data.levels, borderColor: "#c92a2a", backgroundColor: "rgba(201,42,42,0.12)",
    stepped: true, pointRadius: 0, borderWidth: 1, fill: true, yAxisID: "level" });
  new window.Chart(canvas, { type: "line", data: { labels: labels, datasets: datasets },
    options: { animation: false, responsive: true, interaction: { mode: "index", intersect: false },
      scales: { x: { ticks: { maxTicksLimit: 12 } }, level: { position: "right", min: 0, max: 3, ticks: { stepSize: 1 } } } } });
  canvas.dataset.points = String(data.points.length);
})();
