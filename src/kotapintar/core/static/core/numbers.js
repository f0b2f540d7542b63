/* Numbers, money and times in the page's language (<html lang>), the one client-side formatter:
   Indonesian 58,3 and Rp1.250.000, English 58.3 and Rp1,250,000. Every script uses window.KotaPintar.
   rupiahShort writes chart axes as lib/idr_words.format_idr_short does on the server:
   7411000000 -> "Rp7,4 miliar" (English "Rp7.4 billion"). */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "id";
  var WORDS = {
    id: ["triliun", "miliar", "juta", "ribu"],
    en: ["trillion", "billion", "million", "thousand"]
  };
  var SIZES = [1e12, 1e9, 1e6, 1e3];
  var formats = {};
  function formatter(decimals) {
    var key = String(decimals);
    if (!formats[key]) {
      formats[key] = new Intl.NumberFormat(lang, { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
    }
    return formats[key];
  }
  /* number(58.34, 1) -> "58,3"; decimals default 0; null/undefined -> "–". */
  function number(value, decimals) {
    if (value === null || value === undefined || value === "" || isNaN(Number(value))) return "–";
    return formatter(decimals || 0).format(Number(value));
  }
  function rupiah(value) { return "Rp" + number(Math.trunc(Number(value) || 0)); }
  function rupiahShort(value) {
    var n = Number(value) || 0;
    var sign = n < 0 ? "-" : "";
    var amount = Math.abs(n);
    var words = WORDS[lang.slice(0, 2)] || WORDS.id;
    for (var i = 0; i < SIZES.length; i++) {
      if (amount >= SIZES[i]) return sign + "Rp" + number(amount / SIZES[i], 1) + " " + words[i];
    }
    return sign + "Rp" + number(Math.round(amount));
  }
  /* time(new Date()) -> "14.05" in Indonesian, "2:05 PM" in English. */
  function time(date) { return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" }); }
  /* wallClock("2026-12-07T14:05:00+07:00") -> "07/12 14.05" (English "12/07, 02:05 PM"): the time as
     written in the string (the city's), whatever the browser's time zone. */
  function wallClock(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
    if (!m) return iso || "";
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]));
    return d.toLocaleString(lang, { timeZone: "UTC", day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" });
  }
  window.KotaPintar = window.KotaPintar || {};
  window.KotaPintar.wallClock = wallClock;
  window.KotaPintar.lang = lang;
  window.KotaPintar.number = number;
  window.KotaPintar.rupiah = rupiah;
  window.KotaPintar.rupiahShort = rupiahShort;
  window.KotaPintar.time = time;
})();
