/* The visitor's wallet page: register the small service worker so the page installs as an app. */
(function () {
  "use strict";
  var me = document.getElementById("me-js");
  if (!me || !("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.register(me.dataset.sw, { scope: me.dataset.scope }).catch(function () {});
})();
