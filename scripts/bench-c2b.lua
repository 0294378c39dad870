-- wrk script: unique C2B confirmations (BENCH_ROUTE=/c2b/confirmation), validation requests (/c2b/validation) or
-- B2C payout results (/results/b2c), each thread with its own id range; the last second sends GET / so that nothing
-- is in flight when wrk stops.
-- Env: BENCH_RUN (TransID prefix), BENCH_SECONDS (the -d value), BENCH_ROUTE.
local run = os.getenv("BENCH_RUN") or "X"
local seconds = tonumber(os.getenv("BENCH_SECONDS") or "10")
local route = os.getenv("BENCH_ROUTE") or "/c2b/confirmation"
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
  headers = { ["Content-Type"] = "application/json" }
end

local function tail() return os.time() >= stop_at end

function delay()
  if tail() then return 200 end
  return 0
end

function request()
  if tail() then return wrk.format("GET", "/") end
  seq = seq + 1
  local id = "B" .. run .. "T" .. tid .. "N" .. seq
  if route == "/results/b2c" then
    local body = '{"Result":{"ResultType":0,"ResultCode":0,"ResultDesc":"The service request is processed successfully.",' ..
      '"OriginatorConversationID":"bench-' .. id .. '","ConversationID":"AG_' .. id .. '","TransactionID":"' .. id .. '",' ..
      '"ResultParameters":{"ResultParameter":[{"Key":"TransactionAmount","Value":500},{"Key":"TransactionReceipt","Value":"' .. id .. '"},' ..
      '{"Key":"ReceiverPartyPublicName","Value":"254700000004 - BENCH"},{"Key":"TransactionCompletedDateTime","Value":"15.01.2025 12:30:45"},' ..
      '{"Key":"B2CUtilityAccountAvailableFunds","Value":98500},{"Key":"B2CWorkingAccountAvailableFunds","Value":150000}]}}}'
    return wrk.format("POST", route, headers, body)
  end
  local body = '{"TransactionType":"Pay Bill","TransID":"' .. id .. '","TransTime":"20250115120501","TransAmount":"250.00",' ..
    '"BusinessShortCode":"600000","BillRefNumber":"INV-000123","InvoiceNumber":"","OrgAccountBalance":"10250.00",' ..
    '"ThirdPartyTransID":"","MSISDN":"2547 ***** 001","FirstName":"BENCH","MiddleName":"","LastName":""}'
  return wrk.format("POST", route, headers, body)
end

function response(status, headers, body)
  if status == 200 and body:find('"ResultCode"', 1, true) then acked = acked + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("acked") end
  io.write(string.format("BENCH acked=%d p50_us=%d p99_us=%d errors=%d non2xx=%d\n", total,
    latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
