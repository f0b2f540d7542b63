/* Booth operator: issue, look up, top up (cash), cash out, block, replace. */
(function () {
  "use strict";
  const W = window.KPWallet, S = W.strings;
  const root = document.getElementById("booth");
  if (!root) return;
  const api = root.dataset.api;
  const $ = (id) => document.getElementById(id);
  const card = $("card"), result = $("result"), panel = $("card-panel");
  const onState = W.pendingList($("pending"), $("pending-box"));
  const number = () => card.value.replace(/[^0-9]/g, "");

  async function refresh() {
    const n = number(); if (!n) return;
    const resp = await fetch(root.dataset.panel.replace("/0/", "/" + n + "/"), { credentials: "same-origin" });
    panel.innerHTML = await resp.text();
  }
  $("lookup").addEventListener("click", refresh);
  card.addEventListener("keydown", (e) => { if (e.key === "Enter") refresh(); });

  function report(res, label, extra) {
    if (res.ok) {
      const d = res.data;
      const bal = d.card_balance_idr != null ? d.card_balance_idr : d.balance_idr;
      W.show(result, "ok", '<p class="status green">' + W.esc(label) + "</p>" + (extra || "") +
        (bal != null ? "<p>" + W.esc(S.balance) + ": <strong>" + W.rupiah(bal) + "</strong></p>" : "") +
        (res.attempts > 1 ? '<p class="small muted">' + W.esc(S.resolved) + "</p>" : ""));
    } else {
      W.show(result, "bad", '<p class="status red">' + W.esc(S.failed) + "</p><p>" + W.esc(W.message(res.data)) + "</p>");
    }
  }
  async function money(url, body, label) {
    if (!number() && !body.card_number && url.indexOf("/cards/") < 0) { W.show(result, "bad", W.esc(S.card_required)); return null; }
    W.show(result, "wait", W.esc(S.sending));
    const res = await W.send({ url: url, body: body, label: label, onState: (s, n, rec) => {
      onState(s, n, rec);
      if (s !== "sending") W.show(result, "wait", '<p class="status amber">' + W.esc(s === "offline" ? S.offline : S.pending) + "</p>");
    } });
    onState("done", 0, { key: res.key });
    return res;
  }

  $("issue").addEventListener("click", async () => {
    W.show(result, "wait", W.esc(S.sending));
    let res;
    try {
      res = await W.send({ url: api + "cards", body: { anonymous: true, nfc_uid: $("nfc").value.trim(), pin: $("issue-pin").value.trim() }, idempotent: false });
    } catch (e) { W.show(result, "bad", W.esc(S.offline)); return; }
    report(res, S.card_issued, res.ok ? "<p>" + W.esc(S.number) + ': <strong id="issued-number">' + W.esc(res.data.number) + "</strong></p>" : "");
    $("issue-pin").value = "";
    if (res.ok) { card.value = res.data.number; $("nfc").value = ""; refresh(); }
  });

  $("topup").addEventListener("click", async () => {
    const amt = parseInt($("topup-amount").value, 10);
    if (!amt) { W.show(result, "bad", W.esc(S.amount_required)); return; }
    const res = await money(api + "topups/cash", { card_number: number(), amount_idr: amt }, S.topped_up + " " + W.rupiah(amt));
    if (res) { report(res, S.topped_up + " " + W.rupiah(amt)); if (res.ok) { $("topup-amount").value = ""; refresh(); } }
  });

  // QRIS top-up: pending until the acquirer's signed notification posts (or voids) it; polled here.
  $("topup-qris").addEventListener("click", async () => {
    const amt = parseInt($("topup-amount").value, 10);
    if (!amt) { W.show(result, "bad", W.esc(S.amount_required)); return; }
    const res = await money(api + "topups/qris", { card_number: number(), amount_idr: amt }, "QRIS " + W.rupiah(amt));
    if (!res) return;
    if (!res.ok) { report(res, S.failed); return; }
    const id = res.data.topup_id, box = $("topup-qris-box"), status = $("topup-qris-status");
    $("topup-qris-img").src = root.dataset.topupQris.replace("/0/", "/" + id + "/");
    box.hidden = false; result.hidden = true;
    status.textContent = S.qris_waiting; status.className = "small status amber";
    const demo = $("topup-demo");
    if (demo && root.dataset.topupDemo) {  // demo installations only: no real provider to wait for
      $("topup-demo-hint").textContent = S.qris_demo_hint;
      const confirm = $("topup-demo-confirm");
      confirm.textContent = S.qris_demo_confirm; confirm.disabled = false; demo.hidden = false;
      confirm.onclick = async () => {
        confirm.disabled = true;
        await fetch(root.dataset.topupDemo.replace("/0/", "/" + id + "/"), {
          method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": W.csrf() } });
      };
    }
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      let d;
      try { d = await (await fetch(api + "topups/" + id, { credentials: "same-origin" })).json(); } catch (e) { continue; }
      if (d.status !== "pending" && demo) demo.hidden = true;
      if (d.status === "posted") { status.textContent = S.qris_posted + " (" + W.rupiah(d.card_balance_idr) + ")"; status.className = "small status green"; refresh(); break; }
      if (d.status === "voided") { status.textContent = S.qris_voided; status.className = "small status red"; break; }
    }
  });

  $("cashout").addEventListener("click", async () => {
    const raw = $("cashout-amount").value.trim();
    const body = { card_number: number() };
    if (raw) body.amount_idr = parseInt(raw, 10);
    const res = await money(api + "cashouts", body, S.cashed_out);
    if (res) { report(res, S.cashed_out + (res.ok ? " " + W.rupiah(res.data.amount_idr) : "")); if (res.ok) { $("cashout-amount").value = ""; refresh(); } }
  });

  $("block").addEventListener("click", async () => {
    if (!number()) { W.show(result, "bad", W.esc(S.card_required)); return; }
    let res;
    try {
      res = await W.send({ url: api + "cards/" + number() + "/block", body: { reason: $("reason").value }, idempotent: false });
    } catch (e) { W.show(result, "bad", W.esc(S.offline)); return; }
    report(res, S.blocked); if (res.ok) refresh();
  });

  $("replace").addEventListener("click", async () => {
    if (!number()) { W.show(result, "bad", W.esc(S.card_required)); return; }
    const body = { nfc_uid: $("new-nfc").value.trim() };
    const onto = $("onto").value.replace(/[^0-9]/g, "");
    if (onto) body.onto = onto;
    const res = await money(api + "cards/" + number() + "/replace", body, S.replaced);
    if (res) {
      report(res, S.replaced, res.ok ? "<p>" + W.esc(S.number) + ': <strong id="new-number">' + W.esc(res.data.number) + "</strong></p>" : "");
      if (res.ok) { card.value = res.data.number; $("new-nfc").value = ""; $("onto").value = ""; refresh(); }
    }
  });

  async function pinCall(path, body, done) {
    if (!number()) { W.show(result, "bad", W.esc(S.card_required)); return; }
    let res;
    try {
      res = await W.send({ url: api + "cards/" + number() + path, body: body, idempotent: false });
    } catch (e) { W.show(result, "bad", W.esc(S.offline)); return; }
    report(res, done); if (res.ok) refresh();
  }
  $("pin-unlock").addEventListener("click", () => pinCall("/pin/unlock", {}, S.pin_unlocked));
  $("pin-set").addEventListener("click", async () => {
    await pinCall("/pin", { pin: $("new-pin").value.trim() }, S.pin_saved);
    $("new-pin").value = "";
  });

  W.resume((rec, res) => { onState("done", 0, rec); report(res, rec.label); }, onState);
})();
