-- wrk script for bench/wallet.py: POS payments with a fresh Idempotency-Key per request.
-- Arguments (after --): TOKEN MERCHANTS CARDS SEED, the lists comma-separated.
-- done() prints one line: acked=N refused=N other=N errors=N duration_us=N p50_us=N p99_us=N max_us=N

threads = {}  -- global: wallet_pay_open.lua reads it too
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local function split(text)
  local items = {}
  for item in string.gmatch(text, "[^,]+") do
    table.insert(items, item)
  end
  return items
end

function init(args)
  token = args[1]
  merchants = split(args[2])
  cards = split(args[3])
  math.randomseed(tonumber(args[4]) * 1000 + tid)
  sent = 0
  acked = 0
  refused = 0
  other = 0
  -- unique across threads and runs: the seed, the thread and a counter
  prefix = string.format("wrk-%s-%d-", args[4], tid)
end

function request()
  sent = sent + 1
  local body = string.format(
    '{"merchant_code":"%s","card_token":"%s","amount_idr":%d}',
    merchants[math.random(#merchants)], cards[math.random(#cards)], math.random(100, 1000))
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = prefix .. sent,
  }
  return wrk.format("POST", "/api/v1/wallet/payments", headers, body)
end

function response(status, headers, body)
  if status == 201 then
    acked = acked + 1
  elseif status >= 400 and status < 500 then
    refused = refused + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local a, r, o = 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked")
    r = r + t:get("refused")
    o = o + t:get("other")
  end
  io.write(string.format("acked=%d refused=%d other=%d errors=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d\n",
    a, r, o, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max))
end
