/* The visitor's wallet page: register the small service worker so the page installs as an app. */
(function () {
  "use strict";
  var me = document.getElementById("me-js");
  if (!me || !("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.register(me.dataset.sw, { scope: me.dataset.scope }).catch(function () {});
})();
/* Card login: read the card's QR (a signed token holding the card number) with the camera. */
(function () {
  "use strict";
  var btn = document.getElementById("card-scan");
  if (!btn) { return; }
  var status = document.getElementById("card-scan-status");
  btn.addEventListener("click", function () {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { status.textContent = btn.dataset.nocamera; return; }
    var video = document.getElementById("card-camera");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream; video.hidden = false; btn.hidden = true;
      return video.play().then(function () {
        (function loop() {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              var token = codes[0].rawValue;
              var parts = token.split(".");
              document.getElementById("card-secret").value = token;
              if (parts.length === 4) { document.getElementById("card-number").value = parts[2]; }
              stream.getTracks().forEach(function (t) { t.stop(); });
              document.getElementById("card-login").submit();
              return;
            }
            setTimeout(loop, 300);
          }).catch(function () { setTimeout(loop, 300); });
        })();
      });
    }).catch(function () { status.textContent = btn.dataset.nocamera; });
  });
})();
