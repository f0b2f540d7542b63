/* Short Indonesian rupiah figures for chart axes, written as lib/idr_words.format_idr_short writes
   them on the server: 7411000000 -> "Rp7,4 miliar", 650000000 -> "Rp650 juta", 900 -> "Rp900".
   The one client-side formatter: every chart uses window.KotaPintar.rupiahShort. */
(function () {
  "use strict";
  var UNITS = [[1e12, "triliun"], [1e9, "miliar"], [1e6, "juta"], [1e3, "ribu"]];
  function rupiahShort(value) {
    var n = Number(value) || 0;
    var sign = n < 0 ? "-" : "";
    var amount = Math.abs(n);
    for (var i = 0; i < UNITS.length; i++) {
      if (amount >= UNITS[i][0]) {
        var scaled = (amount / UNITS[i][0]).toLocaleString("id-ID", { maximumFractionDigits: 1 });
        return sign + "Rp" + scaled + " " + UNITS[i][1];
      }
    }
    return sign + "Rp" + Math.round(amount);
  }
  window.KotaPintar = window.KotaPintar || {};
  window.KotaPintar.rupiahShort = rupiahShort;
})();
