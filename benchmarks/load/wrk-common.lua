-- What the wrk scripts of benchmarks/load and benchmarks/soak share: reading a file, and the one summary line their
-- shell scripts parse ("PREFIX requests=N non2xx=N errors=N rps=X p50_ms=X p99_ms=X max_ms=X").
-- A script loads it with:
--   package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../load/?.lua;" .. package.path
--   local common = require("wrk-common")
local M = {}

function M.read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("*a")
  f:close()
  return text
end

function M.summary(prefix, summary, latency)
  return string.format("%s requests=%d non2xx=%d errors=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    prefix,
    summary.requests,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    latency.max / 1000)
end

return M
