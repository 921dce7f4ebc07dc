-- One request shape per run, read from the environment:
--   LOAD_METHOD (GET/POST), LOAD_BODY_FILE (optional), LOAD_CONTENT_TYPE (optional),
--   LOAD_HEADERS_FILE (optional: "Name: value" lines, e.g. a SigV4 signature made once and replayed; AWS accepts a
--   signed request again within its 15-minute window, so the server verifies the same signature every time),
--   LOAD_EXPECT_STATUS (optional: the status every answer must have, for floors that are a cheap 404; default 2xx).
-- Every response is classified; done() prints the non-2xx count so a fast error path cannot pass
-- for a result. Counters live in each wrk thread and are summed at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  responses = 0
  expected = tonumber(os.getenv("LOAD_EXPECT_STATUS") or "")
  wrk.method = os.getenv("LOAD_METHOD") or "GET"
  local path = os.getenv("LOAD_BODY_FILE")
  if path and path ~= "" then
    local f = assert(io.open(path, "rb"))
    wrk.body = f:read("*a")
    f:close()
  end
  local headers = os.getenv("LOAD_HEADERS_FILE")
  if headers and headers ~= "" then
    for line in io.lines(headers) do
      local name, value = line:match("^([^:]+):%s*(.*)$")
      if name then
        wrk.headers[name] = value
      end
    end
  end
  local ct = os.getenv("LOAD_CONTENT_TYPE")
  if ct and ct ~= "" then
    wrk.headers["Content-Type"] = ct
  end
end

function response(status, headers, body)
  responses = responses + 1
  if (expected and status ~= expected) or (not expected and (status < 200 or status > 299)) then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local total, bad = 0, 0
  for _, t in ipairs(threads) do
    total = total + t:get("responses")
    bad = bad + t:get("non2xx")
  end
  io.write(string.format("RESULT requests=%d duration_us=%d rps=%.1f responses=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), total, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
