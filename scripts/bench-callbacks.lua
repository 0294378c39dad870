-- wrk script: unique STK success callbacks, each thread with its own ID range.
-- In the last second of the run it sends a trickle of GET / instead, so that when wrk stops no callback is in flight and
-- "acknowledged" (200 answers that carry a CheckoutRequestID) can be compared exactly with what was stored.
-- Env: BENCH_RUN (ID prefix), BENCH_SECONDS (the -d value, in seconds).
local run = os.getenv("BENCH_RUN") or "X"
local seconds = tonumber(os.getenv("BENCH_SECONDS") or "10")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  seq = 0
  acked = 0
  stop_at = os.time() + seconds - 1
  headers = { ["Content-Type"] = "application/json;charset=UTF-8" }
end

function tail()
  return os.time() >= stop_at
end

-- In the tail, one slow GET per connection every 200 ms: few enough not to count in the latency figures.
function delay()
  if tail() then return 200 end
  return 0
end

function request()
  if tail() then
    return wrk.format("GET", "/")
  end
  seq = seq + 1
  local id = "ws_CO_BENCH" .. run .. "T" .. tid .. "N" .. seq
  local body = '{"Body":{"stkCallback":{"MerchantRequestID":"bench-' .. seq .. '","CheckoutRequestID":"' .. id ..
    '","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[' ..
    '{"Name":"Amount","Value":1500.00},{"Name":"MpesaReceiptNumber","Value":"B' .. run .. "T" .. tid .. "N" .. seq .. '"},' ..
    '{"Name":"TransactionDate","Value":20250115103112},{"Name":"PhoneNumber","Value":254700000001}]}}}}'
  return wrk.format("POST", "/mpesa/callback", headers, body)
end

function response(status, headers, body)
  if status == 200 and body:find("CheckoutRequestID", 1, true) then
    acked = acked + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("acked")
  end
  io.write(string.format("BENCH acked=%d p50_us=%d p99_us=%d errors=%d non2xx=%d\n", total,
    latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
