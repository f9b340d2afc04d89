-- wrk script: POSTs the shared example bundles to /api/evaluate in turn (one FHIR R4 Bundle per request).
-- The bundle files are given in the environment variable LOAD_BUNDLES (space-separated paths).
local bundles = {}

local function read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("*a")
  f:close()
  return text
end

for path in string.gmatch(os.getenv("LOAD_BUNDLES") or "", "%S+") do
  bundles[#bundles + 1] = read(path)
end
assert(#bundles > 0, "LOAD_BUNDLES names no bundle")

local counter = 0

request = function()
  local index = counter % #bundles
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/fhir+json",
    ["X-Example"] = tostring(index),
  }
  return wrk.format("POST", nil, headers, bundles[index + 1])
end

-- Any non-2xx answer is a failed run, not a fast one.
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
