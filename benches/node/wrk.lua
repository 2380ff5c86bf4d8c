-- wrk script of the exchange node benchmark (benches/node/run.sh).
--   WRK_MODE=get: GET /v1/records/{type}/{id}, cycling over WRK_FILE (one Type/id a line)
--   WRK_MODE=put: PUT /v1/records/Person/{id}, cycling over WRK_FILE (path TAB record a line);
--                 each thread takes its own share of the ids and changes meta.version on each
--                 pass, so that every PUT is a real update.
-- WRK_TOKEN: bearer token; WRK_PURPOSE: X-Linli-Purpose (for internal reads); WRK_THREADS: -t.
-- done() prints one line "WRKJSON {...}" with the figures.

local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

local mode = os.getenv("WRK_MODE") or "get"
local items = {}
local i = 0
local pass = 0
local headers = {}

function init(args)
  local threads = tonumber(os.getenv("WRK_THREADS") or "1")
  local me = tid or 0
  local n = 0
  for line in io.lines(os.getenv("WRK_FILE")) do
    if line ~= "" then
      if mode == "put" then
        if n % threads == me then
          local tab = line:find("\t", 1, true)
          items[#items + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
        end
      else
        items[#items + 1] = line
      end
      n = n + 1
    end
  end
  -- Spread the threads over the list for reads.
  if mode ~= "put" then
    i = math.floor(#items * me / threads)
  end
  headers["Authorization"] = "Bearer " .. os.getenv("WRK_TOKEN")
  local purpose = os.getenv("WRK_PURPOSE")
  if purpose and purpose ~= "" then
    headers["X-Linli-Purpose"] = purpose
  end
  if mode == "put" then
    headers["Content-Type"] = "application/json"
  end
end

function request()
  i = i + 1
  if i > #items then
    i = 1
    pass = pass + 1
  end
  if mode == "put" then
    local it = items[i]
    local body = it[2]:gsub('"version":%d+', '"version":' .. (5000 + pass), 1)
    return wrk.format("PUT", "/v1/records/" .. it[1], headers, body)
  end
  return wrk.format("GET", "/v1/records/" .. items[i], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"errors_status":%d,"errors_connect":%d,"errors_read":%d,'
      .. '"errors_write":%d,"errors_timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
