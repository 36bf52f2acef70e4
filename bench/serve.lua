-- wrk script of bench/serve.sh: GET /api/search with the queries of a file,
-- one a line, each thread going through them from its own starting point.
--   wrk ... -s bench/serve.lua URL -- QUERIES_FILE
local queries = {}
local threads = {}
local counter = 0

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(queries, "/api/search?q=" .. urlencode(line))
    end
  end
  next_query = (id or 1) * 97 % #queries
  failed = 0
end

function request()
  next_query = next_query % #queries + 1
  return wrk.format("GET", queries[next_query])
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local failed_total = 0
  for _, t in ipairs(threads) do
    failed_total = failed_total + t:get("failed")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f " ..
    "max_ms=%.2f errors=%d non200=%d\n",
    summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000,
    e.connect + e.read + e.write + e.timeout + e.status, failed_total))
end
