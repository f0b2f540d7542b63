/* The page shell on small screens (see app.css, "Phones"):
   - the header menu folds behind a real button with aria-expanded (the <details> in base.html is the
     fallback when this script does not run);
   - on a phone a .table that does not fit its box (or has form fields in its cells) becomes stacked
     cards, each cell labelled with its column's header; tables that fit stay tables; wide matrices
     (.mp-scroll, [data-scroll]), and every table when this script does not run, scroll inside their
     own box instead of widening the page. */
(function () {
  "use strict";
  var PHONE = window.matchMedia("(max-width: 760px)");

  function setupMenu() {
    var header = document.querySelector("header.topbar");
    var button = document.getElementById("menu-button");
    var panel = document.getElementById("site-menu");
    if (!header || !button || !panel) { return; }
    var fallback = header.querySelector(".menu-fallback");
    if (fallback) { fallback.remove(); }
    header.classList.add("js-menu");
    button.hidden = false;
    function setOpen(open) {
      header.classList.toggle("menu-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && header.classList.contains("menu-open")) {
        setOpen(false);
        button.focus();
      }
    });
    PHONE.addEventListener("change", function () { setOpen(false); });
  }

  function headerRow(table) {
    var row = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1] : null;
    if (row) { return row; }
    var first = table.rows[0];
    if (first && first.cells.length && Array.prototype.every.call(first.cells, function (c) { return c.tagName === "TH"; })) {
      return first;
    }
    return null;
  }

  function columnLabels(row) {
    var labels = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      var text = cell.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i++) { labels.push(text); }
    });
    return labels;
  }

  function label(table) {
    var head = headerRow(table);
    if (!head) { return; }
    head.classList.add("table-head-row");
    var labels = columnLabels(head);
    Array.prototype.forEach.call(table.rows, function (row) {
      if (row === head || row.parentNode === table.tHead) { return; }
      var col = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var text = cell.colSpan > 1 ? "" : labels[col] || "";
        if (text && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", text);
          // One box for the value, so that text and tags in a cell stay together beside the label.
          var value = document.createElement("div");
          value.className = "cell-value";
          while (cell.firstChild) { value.appendChild(cell.firstChild); }
          cell.appendChild(value);
        }
        col += cell.colSpan || 1;
      });
    });
  }

  // Rows a page script adds later (a new payment on the POS) get their labels too; label() only
  // touches cells without one, so its own changes settle after one more call.
  function watch(table) {
    if (table.kpWatched || !window.MutationObserver) { return; }
    table.kpWatched = true;
    new MutationObserver(function () { label(table); }).observe(table, { childList: true, subtree: true });
  }

  function stackable(table) {
    return !table.hasAttribute("data-scroll") && !table.closest(".mp-scroll");
  }

  function fitTables() {
    var tables = document.querySelectorAll("table.table");
    Array.prototype.forEach.call(tables, function (table) {
      if (!stackable(table)) { return; }
      table.classList.remove("stacked");
      if (!PHONE.matches) { return; }
      var box = table.parentElement;
      var style = window.getComputedStyle(box);
      var room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      // Form controls squeezed into a column are hard to use: such tables are stacked on a phone too.
      var crowded = table.offsetWidth > room + 1 || table.querySelector("input:not([type=hidden]), select, textarea");
      if (crowded) {
        label(table);
        table.classList.add("stacked");
        watch(table);
      }
    });
  }

  var pending = null;
  function refit() {
    if (pending) { window.cancelAnimationFrame(pending); }
    pending = window.requestAnimationFrame(function () { pending = null; fitTables(); });
  }

  document.documentElement.classList.add("kp-js");
  setupMenu();
  fitTables();
  window.addEventListener("resize", refit);
  // Tables that htmx swaps in (the wallet booth's card panel, lists that refresh) are fitted too.
  document.addEventListener("htmx:afterSettle", refit);
})();
