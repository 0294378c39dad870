-- wrk script for the benchmark: callbacks of one workload, each thread with its own range of payment numbers.
-- In the last second of the run it sends a trickle of GET / instead, so that when wrk stops no callback is in flight and
-- the answers it counted can be compared exactly with what was stored.
-- Env: BENCH_RUN (id prefix), BENCH_SECONDS (the -d value), BENCH_KIND (stk: unique STK successes; stk-mixed: 10 %
-- duplicates of recent callbacks and 5 % failures; c2b: unique C2B confirmations), BENCH_PER_THREAD (payment numbers
-- per thread: thread t sends numbers (t-1)*N+1 …; 0 = unbounded, for runs with no seeded rows), BENCH_USERS (payers:
-- payment n is paid from 2547 1000 0000 + 1 + n % users), BENCH_CLOSE=1 (Connection: close: wrk reconnects for every
-- request), BENCH_TAIL=0 (no quiet last second: for the ceiling endpoint, where nothing is stored).
local run = os.getenv("BENCH_RUN") or "X"
local seconds = tonumber(os.getenv("BENCH_SECONDS") or "10")
local kind = os.getenv("BENCH_KIND") or "stk"
local per_thread = tonumber(os.getenv("BENCH_PER_THREAD") or "0")
local users = tonumber(os.getenv("BENCH_USERS") or "10000")
local close = os.getenv("BENCH_CLOSE") == "1"
local with_tail = os.getenv("BENCH_TAIL") ~= "0"
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  seq = 0
  new, dup, other, bad = 0, 0, 0, 0
  recent, kept = {}, 0 -- the last 256 bodies sent, for duplicates
  stop_at = os.time() + seconds - 1
  math.randomseed(tid)
  headers = { ["Content-Type"] = "application/json;charset=UTF-8" }
  if close then headers["Connection"] = "close" end
end

local function tail()
  return with_tail and os.time() >= stop_at
end

-- In the tail, one slow GET per connection every 200 ms: few enough not to count in the latency figures.
function delay()
  if tail() then return 200 end
  return 0
end

local function phone(n)
  return string.format("%d", 254710000000 + 1 + n % users)
end

local function stk(n, success)
  local id = "ws_CO_" .. run .. "_" .. n
  if not success then
    return '{"Body":{"stkCallback":{"MerchantRequestID":"bench-' .. n .. '","CheckoutRequestID":"' .. id ..
      '","ResultCode":1032,"ResultDesc":"Request cancelled by user"}}}'
  end
  return '{"Body":{"stkCallback":{"MerchantRequestID":"bench-' .. n .. '","CheckoutRequestID":"' .. id ..
    '","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[' ..
    '{"Name":"Amount","Value":1500.00},{"Name":"MpesaReceiptNumber","Value":"R' .. run .. "N" .. n .. '"},' ..
    '{"Name":"TransactionDate","Value":20250115103112},{"Name":"PhoneNumber","Value":' .. phone(n) .. '}]}}}}'
end

local function c2b(n)
  return '{"TransactionType":"Pay Bill","TransID":"C' .. run .. "N" .. n .. '","TransTime":"20250115120501",' ..
    '"TransAmount":"1500.00","BusinessShortCode":"600000","BillRefNumber":"INV-000123","InvoiceNumber":"",' ..
    '"OrgAccountBalance":"10250.00","ThirdPartyTransID":"","MSISDN":"' .. phone(n) .. '","FirstName":"BENCH",' ..
    '"MiddleName":"","LastName":""}'
end

local function next_number()
  seq = seq + 1
  if per_thread > 0 then return (tid - 1) * per_thread + seq end
  return tid * 100000000 + seq
end

local function body()
  if kind == "c2b" then return "/c2b/confirmation", c2b(next_number()) end
  if kind ~= "stk-mixed" then return "/mpesa/callback", stk(next_number(), true) end
  local r = math.random()
  if r < 0.10 and kept > 0 then return "/mpesa/callback", recent[math.random(math.min(kept, 256))] end
  local b = stk(next_number(), r >= 0.15)
  recent[(kept % 256) + 1] = b
  kept = kept + 1
  return "/mpesa/callback", b
end

function request()
  if tail() then
    return wrk.format("GET", "/", close and { ["Connection"] = "close" } or nil)
  end
  local path, b = body()
  return wrk.format("POST", path, headers, b)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    return
  end
  local outcome = body:match('"outcome":"(%a+)"')
  if outcome == "new" then new = new + 1
  elseif outcome == "duplicate" then dup = dup + 1
  elseif outcome then other = other + 1 end
end

function done(summary, latency, requests)
  local t = { new = 0, dup = 0, other = 0, bad = 0, seq = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  local e = summary.errors
  io.write(string.format("BENCH new=%d dup=%d other=%d non2xx=%d generated=%d requests=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d\n",
    t.new, t.dup, t.other, t.bad, t.seq, summary.requests, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout))
end
