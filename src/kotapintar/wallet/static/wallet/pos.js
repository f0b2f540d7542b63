/* Merchant POS: charge a scanned or typed city card; show a dynamic QRIS; refund. */
(function () {
  "use strict";
  const W = window.KPWallet, S = W.strings;
  const root = document.getElementById("pos");
  if (!root) return;
  const api = root.dataset.api, merchant = root.dataset.merchant;
  const $ = (id) => document.getElementById(id);
  const amount = $("amount"), card = $("card"), note = $("card-note"), result = $("result");
  const onState = W.pendingList($("pending"), $("pending-box"));
  const keys = JSON.parse(($("wallet-keys") || {}).textContent || "[]");

  document.querySelectorAll("[data-amount]").forEach((b) => b.addEventListener("click", () => { amount.value = b.dataset.amount; }));

  function b64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/"); while (s.length % 4) s += "=";
    return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  }
  /* Check a card token's Ed25519 signature offline with the published city key (where supported). */
  async function checkOffline(token) {
    const parts = token.split(".");
    if (parts.length !== 4 || parts[0] !== "KP1") return null;
    const key = keys.find((k) => k.kid === parts[1]);
    if (!key || !(window.crypto && crypto.subtle)) return null;
    try {
      const pub = await crypto.subtle.importKey("raw", b64url(key.x), { name: "Ed25519" }, false, ["verify"]);
      return await crypto.subtle.verify({ name: "Ed25519" }, pub, b64url(parts[3]), new TextEncoder().encode(parts.slice(0, 3).join(".")));
    } catch (e) { return null; }
  }
  async function describeCard() {
    const v = card.value.trim();
    // a typed number needs the holder's PIN or one-time code; a scanned card pays in one step
    $("card-auth").hidden = !v || v.startsWith("KP1.");
    if (!v.startsWith("KP1.")) { note.textContent = ""; return; }
    const ok = await checkOffline(v);
    const num = v.split(".")[2] || "";
    note.textContent = S.scanned + " …" + num.slice(-4) + (ok === true ? " · " + S.token_ok_offline : ok === false ? " · " + S.token_bad_offline : "");
    note.className = "small " + (ok === false ? "danger" : "muted");
  }
  card.addEventListener("input", describeCard);

  // Camera scan with the browser's BarcodeDetector (Chrome/Android); typing always works.
  let stream = null;
  $("scan").addEventListener("click", async () => {
    const video = $("video");
    if (!("BarcodeDetector" in window)) { note.textContent = S.scan_unsupported; return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (e) { note.textContent = S.scan_denied; return; }
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    video.srcObject = stream; video.hidden = false; await video.play();
    const tick = async () => {
      if (!stream) return;
      try {
        const codes = await detector.detect(video);
        if (codes.length) { card.value = codes[0].rawValue; stopScan(); describeCard(); return; }
      } catch (e) { /* keep trying */ }
      requestAnimationFrame(tick);
    };
    tick();
  });
  function stopScan() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null; $("video").hidden = true;
  }

  function addRow(p) {
    const tbody = document.querySelector("#payments tbody");
    const empty = tbody.querySelector(".empty"); if (empty) empty.remove();
    if (tbody.querySelector('[data-payment="' + p.payment_id + '"]')) return;
    const tr = document.createElement("tr");
    tr.dataset.payment = p.payment_id;
    const t = new Date(p.created_at);
    tr.innerHTML = "<td>" + window.KotaPintar.time(t) + "</td><td>…" +
      W.esc(p.card_number.slice(-4)) + '</td><td class="num">' + W.rupiah(p.amount_idr) +
      '</td><td><button type="button" class="link refund">' + W.esc(document.querySelector(".refund") ? document.querySelector(".refund").textContent : "Refund") + "</button></td>";
    tbody.prepend(tr);
  }

  function report(res, label) {
    if (res.ok) {
      const d = res.data;
      W.show(result, "ok", '<p class="status green">' + W.esc(label) + "</p><p class=\"bigamount\">" + W.rupiah(d.amount_idr) +
        "</p><p>" + W.esc(S.balance) + ": <strong>" + W.rupiah(d.card_balance_idr) + "</strong> · …" + W.esc(d.card_number.slice(-4)) + "</p>" +
        (res.attempts > 1 ? '<p class="small muted">' + W.esc(S.resolved) + "</p>" : ""));
    } else {
      W.show(result, "bad", '<p class="status red">' + W.esc(S.failed) + "</p><p>" + W.esc(W.message(res.data)) + "</p>");
    }
  }

  $("pay").addEventListener("click", async () => {
    const amt = parseInt(amount.value, 10);
    const v = card.value.trim();
    if (!amt) { W.show(result, "bad", W.esc(S.amount_required)); return; }
    if (!v) { W.show(result, "bad", W.esc(S.card_required)); return; }
    const body = { merchant_code: merchant, amount_idr: amt, event_code: $("event").value };
    if (v.startsWith("KP1.")) body.card_token = v;
    else {
      body.card_number = v.replace(/[^0-9]/g, "");
      body[$("card-secret-kind").value] = $("card-secret").value.trim();
    }
    const btn = $("pay"); btn.disabled = true;
    W.show(result, "wait", W.esc(S.sending));
    const res = await W.send({ url: api + "payments", body: body, label: W.rupiah(amt), onState: (s, n, rec) => {
      onState(s, n, rec);
      if (s !== "sending") W.show(result, "wait", '<p class="status amber">' + W.esc(s === "offline" ? S.offline : S.pending) + "</p>");
    } });
    onState("done", 0, { key: res.key });
    btn.disabled = false;
    report(res, S.paid);
    $("card-secret").value = "";
    if (res.ok) { addRow(res.data); card.value = ""; amount.value = ""; note.textContent = ""; $("card-auth").hidden = true; }
  });

  $("show-qris").addEventListener("click", () => {
    const amt = parseInt(amount.value, 10);
    if (!amt) { W.show(result, "bad", W.esc(S.amount_required)); return; }
    const url = root.dataset.qrisUrl + "?amount=" + amt + "&event=" + encodeURIComponent($("event").value);
    $("qris-img").src = url; $("qris").hidden = false;
  });

  document.getElementById("payments").addEventListener("click", async (ev) => {
    const btn = ev.target.closest(".refund"); if (!btn) return;
    if (!window.confirm(S.refund_confirm)) return;
    const id = btn.closest("tr").dataset.payment;
    btn.disabled = true;
    const res = await W.send({ url: api + "payments/" + id + "/refund", body: {}, label: S.refunded, onState: onState });
    onState("done", 0, { key: res.key });
    report(res, S.refunded);
    if (res.ok) btn.replaceWith(Object.assign(document.createElement("span"), { className: "tag muted", textContent: res.data.status }));
    else btn.disabled = false;
  });

  // Requests left pending by a previous visit (connection lost, page closed) resolve now.
  W.resume((rec, res) => { onState("done", 0, rec); report(res, rec.label); if (res.ok && res.data.payment_id && !res.data.refund_id) addRow(res.data); }, onState);
})();
