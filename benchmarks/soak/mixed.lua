-- wrk script: the soak's mixed clinical traffic, on loopback. Each connection cycles through its own patients:
--   PUT the record, GET it, append an Observation, POST an evaluation, list its evaluations, POST /api/evaluate
-- (stateless), list the registry. Run with one connection per thread (-tN -cN): a thread's patients are its own, so
-- no two requests race on one record (concurrent writes on one record are the API's If-Match business, not the soak's). A connection's patients are re-PUT every cycle of SOAK_PATIENTS, so records stay
-- bounded in size. With SOAK_RATE (requests/s over all connections) each connection waits between requests so the
-- whole run holds that rate (open-loop enough for a soak); without it, as fast as possible (capacity).
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../load/?.lua;" .. package.path
local common = require("wrk-common")

local bundle_template = nil
local evaluate_body = nil
local rate = tonumber(os.getenv("SOAK_RATE") or "0")
local patients = tonumber(os.getenv("SOAK_PATIENTS") or "20")
local connections = tonumber(os.getenv("SOAK_CONNECTIONS") or "16")

local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  bundle_template = common.read(os.getenv("SOAK_BUNDLE"))
  evaluate_body = bundle_template
  math.randomseed(os.time() + (tid or 0))
end

local function patient_bundle(id)
  return (string.gsub(bundle_template, "SOAK_ID", id))
end

local observation = '{"resourceType":"Observation","id":"soak-obs","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},"subject":{"reference":"Patient/SOAK_ID"},"effectiveDateTime":"2026-05-10","valueQuantity":{"value":37.2,"unit":"Cel","system":"http://unitsofmeasure.org","code":"Cel"}}'

local step = 0
local first = true
request = function()
  -- wrk calls request() once on its first thread before the run to check it (script_verify_request) and sends
  -- nothing: that thread's first PUT was lost, its first patient never created, and its GET, append, evaluation and
  -- evaluation list answered 404 in every run. The first call of every thread is a PUT of its first patient that
  -- does not advance the sequence (sent twice where wrk does not check: an update, harmless).
  if first then
    first = false
    local id = string.format("soak-%d-0", tid or 0)
    return wrk.format("PUT", "/api/patients/" .. id, { ["Content-Type"] = "application/fhir+json" }, patient_bundle(id))
  end
  local n = math.floor(step / 7)
  local id = string.format("soak-%d-%d", tid or 0, n % patients)
  local kind = step % 7
  step = step + 1
  local fhir = { ["Content-Type"] = "application/fhir+json" }
  if kind == 0 then
    return wrk.format("PUT", "/api/patients/" .. id, fhir, patient_bundle(id))
  elseif kind == 1 then
    return wrk.format("GET", "/api/patients/" .. id)
  elseif kind == 2 then
    return wrk.format("POST", "/api/patients/" .. id .. "/resources", fhir, (string.gsub(observation, "SOAK_ID", id)))
  elseif kind == 3 then
    return wrk.format("POST", "/api/patients/" .. id .. "/evaluations?asOf=2026-05-11")
  elseif kind == 4 then
    return wrk.format("GET", "/api/patients/" .. id .. "/evaluations")
  elseif kind == 5 then
    return wrk.format("POST", "/api/evaluate?asOf=2026-05-11", fhir, patient_bundle(id))
  else
    return wrk.format("GET", "/api/patients?page=1&pageSize=20")
  end
end

function delay()
  if rate > 0 then
    -- each connection sends rate/connections requests per second
    return math.floor(1000 * connections / rate)
  end
  return 0
end

failures = 0
codes = ""
response = function(status, headers, body)
  if status >= 300 then
    failures = failures + 1
    if #codes < 200 then codes = codes .. status .. "@" .. step % 7 .. "," end
  end
end

done = function(summary, latency, requests)
  local seen = ""
  for _, t in ipairs(threads) do seen = seen .. (t:get("codes") or "") end
  if #seen > 0 then io.write("SOAK-FAILURES " .. seen .. "\n") end
  io.write(common.summary("SOAK", summary, latency))
end
