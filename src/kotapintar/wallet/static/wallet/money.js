/* Kota Pintar wallet: money requests that never vanish and never repeat.
 *
 * Every money request gets an Idempotency-Key that is written to localStorage BEFORE the request is
 * sent. On a timeout, a dropped connection or a 5xx, the request stays "pending" and is re-sent with
 * the SAME key (the server returns the first result and moves no money twice) until a definitive
 * answer arrives. Pending requests survive a page reload and are resumed on the next visit.
 */
(function () {
  "use strict";
  const STORE = "kp-wallet-pending";
  const S = JSON.parse((document.getElementById("wallet-strings") || {}).textContent || "{}");

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }
  function load() { try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; } }
  function save(list) { try { localStorage.setItem(STORE, JSON.stringify(list)); } catch (e) { /* private mode */ } }
  function remember(rec) { const l = load().filter((r) => r.key !== rec.key); l.push(rec); save(l); }
  function forget(key) { save(load().filter((r) => r.key !== key)); }
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function postOnce(rec) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), 8000);
    try {
      const resp = await fetch(rec.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Idempotency-Key": rec.key, "X-CSRFToken": csrf() },
        body: JSON.stringify(rec.body),
        signal: ctrl.signal,
      });
      if (resp.status >= 500) throw new Error("HTTP " + resp.status);
      let data = {};
      try { data = await resp.json(); } catch (e) { data = {}; }
      return { ok: resp.ok, status: resp.status, data: data };
    } finally { clearTimeout(timer); }
  }

  /* send({url, body, label, onState}) -> Promise<{ok, status, data, key, attempts}> */
  async function send(opts) {
    const rec = { key: opts.key || newKey(), url: opts.url, body: opts.body, label: opts.label || "", at: Date.now() };
    if (opts.idempotent !== false) remember(rec);
    let delay = 1000;
    for (let attempt = 1; ; attempt++) {
      if (opts.onState) opts.onState(attempt === 1 ? "sending" : "pending", attempt, rec);
      try {
        const res = await postOnce(rec);
        forget(rec.key);
        res.key = rec.key; res.attempts = attempt;
        return res;
      } catch (e) {
        if (opts.idempotent === false) throw e;
        if (opts.onState) opts.onState(navigator.onLine === false ? "offline" : "pending", attempt, rec);
        await sleep(delay);
        delay = Math.min(delay * 2, 15000);
      }
    }
  }

  function resume(onResult, onState) {
    for (const rec of load()) {
      send({ key: rec.key, url: rec.url, body: rec.body, label: rec.label, onState: onState })
        .then((res) => onResult(rec, res));
    }
  }

  var rupiah = window.KotaPintar.rupiah;  // core/numbers.js: in the page language

  function message(data) { return (data && (data.message || data.code)) || S.failed || "Error"; }

  function show(box, kind, html) {
    box.hidden = false;
    box.className = "card result " + kind;
    box.innerHTML = html;
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function pendingList(ul, box) {
    return function (state, attempt, rec) {
      let li = ul.querySelector('[data-key="' + rec.key + '"]');
      if (state === "done") { if (li) li.remove(); box.hidden = !ul.children.length; return; }
      if (state === "sending") return;
      if (!li) { li = document.createElement("li"); li.dataset.key = rec.key; ul.appendChild(li); }
      box.hidden = false;
      li.innerHTML = '<span class="status amber">' + esc(state === "offline" ? S.offline : S.pending) + "</span> " +
        esc(rec.label) + ' <span class="small muted">#' + attempt + " · " + esc(rec.key.slice(0, 8)) + "</span>";
    };
  }

  window.KPWallet = { send, resume, newKey, rupiah, message, show, esc, pendingList, strings: S, csrf };
})();
