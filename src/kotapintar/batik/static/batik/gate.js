/* Gate scanner: camera (BarcodeDetector) or typed code; online check-in through the API; when the
   network fails, scans are queued on the phone with a nonce and uploaded later as one batch. */
(function () {
  "use strict";
  var root = document.getElementById("gate");
  if (!root) { return; }
  var d = root.dataset;
  var QUEUE = "batik-gate-queue";
  var resultEl = document.getElementById("scan-result");
  var netEl = document.getElementById("net-status");
  var codeEl = document.getElementById("ticket-code");
  var eventEl = document.getElementById("gate-event");
  var gateEl = document.getElementById("gate-name");
  var busy = false;
  gateEl.value = localStorage.getItem("batik-gate-name") || "";
  gateEl.addEventListener("change", function () { localStorage.setItem("batik-gate-name", gateEl.value); });

  function queue() { try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; } }
  function saveQueue(q) { localStorage.setItem(QUEUE, JSON.stringify(q)); document.getElementById("queue-count").textContent = q.length; }
  function nonce() {
    var a = new Uint8Array(12); crypto.getRandomValues(a);
    return "web-" + Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function kind() { return document.querySelector("input[name=kind]:checked").value; }
  function setOnline(on) {
    netEl.textContent = on ? d.labelOnline : d.labelOffline;
    netEl.className = "status " + (on ? "green" : "red");
    root.dataset.online = on ? "1" : "0";
  }
  function show(cls, title, detail) {
    resultEl.hidden = false;
    resultEl.className = "scan-result " + cls;
    resultEl.textContent = title;
    if (detail) { var s = document.createElement("small"); s.textContent = detail; resultEl.appendChild(s); }
  }
  function post(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": d.csrf, Accept: "application/json" },
      body: JSON.stringify(body) });
  }
  function stamp(token) {
    var venue = document.getElementById("gate-venue").value;
    if (!venue) { show("refused", "✗ " + d.labelRefused, d.labelNovenue); return; }
    busy = true;
    post(d.stampUrl, { venue_code: venue, card_token: token }).then(function (r) {
      return r.json().catch(function () { return { message: String(r.status) }; })
        .then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      setOnline(true);
      if (res.status === 200) { show("ok", "✓ " + (res.body.awarded ? d.labelStamped : d.labelHadStamp)); }
      else { show("refused", "✗ " + d.labelRefused, res.body.message || res.status); }
    }).catch(function () { setOnline(false); }).finally(function () { busy = false; codeEl.value = ""; });
  }
  function check(code) {
    code = (code || "").trim();
    if (!code || busy) { return; }
    if (code.indexOf("KP1.") === 0) { stamp(code); return; }  // a city card's signed QR token
    busy = true;
    var scan = { event_code: eventEl.value, code: code, kind: kind(), gate: gateEl.value, nonce: nonce() };
    post(d.checkinUrl, scan).then(function (r) {
      return r.json().catch(function () { return { message: String(r.status) }; })
        .then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      setOnline(true);
      if (res.status === 201 || res.status === 200) {
        var b = res.body;
        var title = res.status === 200 ? d.labelDuplicate : (b.kind === "exit" ? d.labelExit : d.labelOk);
        show("ok", "✓ " + title, b.ticket_type + " · " + b.ticket_code + (b.stamp_awarded ? " · " + d.labelStamp : ""));
      } else {
        show("refused", "✗ " + d.labelRefused, res.body.message || res.status);
      }
    }).catch(function () {
      // no network: keep the scan (with its time and nonce) for a later batch upload
      var q = queue();
      scan.scanned_at = new Date().toISOString();
      q.push(scan); saveQueue(q); setOnline(false);
      show("queued", "⏳ " + d.labelQueued, code);
    }).finally(function () { busy = false; codeEl.value = ""; codeEl.focus(); });
  }
  function upload() {
    var q = queue();
    if (!q.length) { return; }
    var byEvent = {};
    q.forEach(function (s) { (byEvent[s.event_code] = byEvent[s.event_code] || []).push(s); });
    Object.keys(byEvent).forEach(function (ev) {
      var scans = byEvent[ev].map(function (s) { return { nonce: s.nonce, code: s.code, kind: s.kind, scanned_at: s.scanned_at, gate: s.gate }; });
      post(d.batchUrl, { event_code: ev, gate: gateEl.value, scans: scans }).then(function (r) {
        if (!r.ok && r.status >= 500) { throw new Error(r.status); }
        return r.json();
      }).then(function (body) {
        setOnline(true);
        var done = {};
        scans.forEach(function (s) { done[s.nonce] = true; });
        saveQueue(queue().filter(function (s) { return !done[s.nonce]; }));
        if (body && body.items) {
          var refused = body.items.filter(function (i) { return i.status === "refused"; });
          show(refused.length ? "refused" : "ok", d.labelUploaded + ": " + body.accepted + " ✓ / " + body.refused + " ✗",
            refused.map(function (i) { return i.ticket_code + ": " + i.message; }).join(" · "));
        }
      }).catch(function () { setOnline(false); });
    });
  }
  document.getElementById("code-form").addEventListener("submit", function (e) { e.preventDefault(); check(codeEl.value); });
  document.getElementById("upload-queue").addEventListener("click", upload);
  window.addEventListener("online", function () { setOnline(true); upload(); });
  window.addEventListener("offline", function () { setOnline(false); });
  saveQueue(queue());
  setOnline(navigator.onLine !== false);
  setInterval(function () { if (queue().length) { upload(); } }, 30000);

  var startBtn = document.getElementById("camera-start");
  startBtn.addEventListener("click", function () {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { show("queued", d.labelNocamera); codeEl.focus(); return; }
    var video = document.getElementById("camera");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var last = "", lastAt = 0;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream; video.hidden = false; startBtn.hidden = true;
      return video.play();
    }).then(function () {
      (function loop() {
        detector.detect(video).then(function (codes) {
          var now = Date.now();
          if (codes.length && (codes[0].rawValue !== last || now - lastAt > 4000)) {
            last = codes[0].rawValue; lastAt = now; check(last);
          }
        }).catch(function () {}).finally(function () { setTimeout(loop, 300); });
      })();
    }).catch(function () { show("queued", d.labelNocamera); });
  });
})();
