-- wrk script: POSTs one CDS Hooks patient-view request (LOAD_CDS_REQUEST, ~50 kB of prefetch) with a fresh
-- pre-signed token per call (LOAD_CDS_TOKENS, one per line: a token is refused if replayed). Each wrk thread takes
-- every THREADS-th token from its own offset, so no two requests share one.
local threads = {}
local counter = 0

setup = function(thread)
  thread:set("offset", #threads)
  threads[#threads + 1] = thread
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("*a")
  f:close()
  return text
end

local body = read(assert(os.getenv("LOAD_CDS_REQUEST"), "LOAD_CDS_REQUEST not set"))
local tokens = {}
local tokens_path = os.getenv("LOAD_CDS_TOKENS")
if tokens_path and tokens_path ~= "" then
  for line in io.lines(tokens_path) do
    tokens[#tokens + 1] = line
  end
end

local stride = tonumber(os.getenv("LOAD_THREADS") or "1")

request = function()
  local headers = { ["Content-Type"] = "application/json" }
  if #tokens > 0 then
    local index = (offset or 0) + counter * stride + 1
    counter = counter + 1
    headers["Authorization"] = "Bearer " .. (tokens[index] or "exhausted")
  end
  return wrk.format("POST", nil, headers, body)
end

local failures = 0
response = function(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("LOAD requests=%d non2xx=%d errors=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
