-- wrk script: POSTs request bodies in turn, one per request, and prints the LOAD line (wrk-common.lua).
--   LOAD_BODIES        space-separated paths of the bodies (e.g. the shared example bundles; one CDS Hooks request)
--   LOAD_CONTENT_TYPE  their media type (default application/fhir+json)
--   LOAD_TOKENS        optional: a file of bearer tokens, one a line, each used once (a CDS Hooks token is refused
--                      if replayed); wrk thread k of LOAD_THREADS takes tokens k, k + LOAD_THREADS, ...; the LOAD
--                      line then ends with tokens_used=N, the last token any thread took (threads run at different
--                      speeds: the requests counted are fewer, and the next run must start after N)
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local common = require("wrk-common")

local bodies = {}
for path in string.gmatch(os.getenv("LOAD_BODIES") or "", "%S+") do
  bodies[#bodies + 1] = common.read(path)
end
assert(#bodies > 0, "LOAD_BODIES names no body")
local content_type = os.getenv("LOAD_CONTENT_TYPE") or "application/fhir+json"

local tokens = {}
local tokens_path = os.getenv("LOAD_TOKENS")
if tokens_path and tokens_path ~= "" then
  for line in io.lines(tokens_path) do
    tokens[#tokens + 1] = line
  end
end
local stride = tonumber(os.getenv("LOAD_THREADS") or "1")

local threads = {}
setup = function(thread)
  thread:set("offset", #threads)
  threads[#threads + 1] = thread
end

-- A global, not a local: done() reads each thread's count (thread:get sees globals only).
counter = 0
request = function()
  local headers = { ["Content-Type"] = content_type }
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. (tokens[(offset or 0) + counter * stride + 1] or "exhausted")
  end
  local body = bodies[counter % #bodies + 1]
  counter = counter + 1
  return wrk.format("POST", nil, headers, body)
end

-- The first answers that were not 2xx, on stderr (the summary counts them as non2xx).
codes = ""
response = function(status, headers, body)
  if status >= 300 and #codes < 120 then codes = codes .. status .. " " .. string.sub(body or "", 1, 80) .. "; " end
end

done = function(summary, latency, requests)
  local seen = ""
  for _, t in ipairs(threads) do seen = seen .. (t:get("codes") or "") end
  if #seen > 0 then io.stderr:write("LOAD-FAILURES " .. seen .. "\n") end
  local line = common.summary("LOAD", summary, latency)
  if #tokens > 0 then
    local used = 0
    for _, t in ipairs(threads) do
      local taken = t:get("counter") or 0
      if taken > 0 then used = math.max(used, (t:get("offset") or 0) + (taken - 1) * stride + 1) end
    end
    line = line:gsub("\n$", string.format(" tokens_used=%d\n", used))
  end
  io.write(line)
end
