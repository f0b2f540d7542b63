-- wrk script for bench/wallet.py: the same POS payments as wallet_pay.lua, arriving at a fixed rate
-- (open loop, as wrk2 does it). Run with one connection per thread (wrk -tN -cN), so each Lua state
-- drives one connection and knows which request an answer belongs to.
-- Arguments (after --): TOKEN MERCHANTS CARDS SEED RATE CONNECTIONS SECONDS, where RATE is the
-- requests per second of each connection and SECONDS the length wrk was given.
--
-- Request n of connection k is due at t0 + (k - 1) / (RATE * CONNECTIONS) + n / RATE, whatever
-- happened before: delay() waits only until it is due (not at all when the connection is behind),
-- and its latency is measured from when it was due, not from when it was sent, so a slow answer
-- also counts against the requests queued behind it (coordinated omission corrected). The measurement window is the requests due in
-- the first SECONDS - 1 seconds: an answered one counts its latency; one still unanswered when wrk
-- stops counts as (stop - due), a lower bound of at least a second, so a stalled server cannot hide.
-- done() prints one line: due=N answered=N unanswered=N window_us=N p50_us=N p99_us=N max_us=N
-- acked=N refused=N other=N errors=N (the last four over every answer, as wallet_pay.lua counts them).

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "wallet_pay.lua")

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } kp_timespec;
int clock_gettime(int clock_id, kp_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local ts = ffi.new("kp_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

local closed_init, closed_request, closed_response = init, request, response

function init(args)
  closed_init(args)
  interval_us = 1000000 / tonumber(args[5])
  phase_us = interval_us * (tid - 1) / tonumber(args[6])  -- the connections take turns
  length_us = tonumber(args[7]) * 1000000
  t0 = nil
  next_due = nil
  in_flight = nil  -- when the request on the wire was due
  latencies = {}   -- of the answered requests due in the window
end

function delay()
  local now = now_us()
  if t0 == nil then  -- the window starts with the first delay(); this connection's turn comes later
    t0 = now
    next_due = t0 + phase_us
  end
  local wait = next_due - now
  if wait <= 0 then
    return 0
  end
  return math.ceil(wait / 1000)
end

function request()
  if next_due == nil then  -- wrk's own check of the request, before any delay()
    return closed_request()
  end
  in_flight = next_due
  next_due = next_due + interval_us
  return closed_request()
end

function response(status, headers, body)
  closed_response(status, headers, body)
  if in_flight ~= nil and in_flight - t0 < length_us - 1000000 then
    table.insert(latencies, now_us() - in_flight)
  end
  in_flight = nil
end

function done(summary, latency, requests)
  local all = {}
  local due, answered, unanswered, a, r, o, window = 0, 0, 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    local start, step = t:get("t0"), t:get("interval_us")
    if start ~= nil then
      window = t:get("length_us") - 1000000
      local window_end, stop = start + window, start + window + 1000000
      local first_due = start + t:get("phase_us")
      if first_due < window_end then
        due = due + math.ceil((window_end - first_due) / step)
      end
      for _, v in ipairs(t:get("latencies")) do
        table.insert(all, v)
        answered = answered + 1
      end
      -- due in the window, not answered: the one on the wire and those queued behind it
      local first_open = t:get("in_flight") or t:get("next_due")
      local when = first_open
      while when < window_end do
        table.insert(all, stop - when)
        unanswered = unanswered + 1
        when = when + step
      end
    end
    a = a + t:get("acked")
    r = r + t:get("refused")
    o = o + t:get("other")
  end
  table.sort(all)
  local function pct(p)
    if #all == 0 then
      return 0
    end
    return all[math.max(1, math.ceil(#all * p / 100))]
  end
  io.write(string.format(
    "due=%d answered=%d unanswered=%d window_us=%d p50_us=%d p99_us=%d max_us=%d acked=%d refused=%d other=%d errors=%d\n",
    due, answered, unanswered, window, pct(50), pct(99), pct(100), a, r, o,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
