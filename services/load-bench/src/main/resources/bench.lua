-- wrk script of the load benchmark (services/load-bench). Each request takes the next line of the
-- phase's plan (path TAB body TAB token), so every request carries a token of its own: the service
-- refuses a replayed jti. The plan's lines are dealt out to the threads; a thread stops once it has
-- spent its share but a small reserve, which covers requests already on their way. Arguments:
-- plan file, bodies directory, number of bodies, number of threads, reserve per thread.
-- The summary is written as JSON to the file named by BENCH_WRK_RESULT. wrk itself waits out its -d
-- limit even when every thread has stopped, so a stopping thread adds a line to the file named by
-- BENCH_WRK_STOPPED and the harness interrupts wrk (SIGINT: it then reports as usual) once every
-- thread has; the threads also time themselves (monotonic clock, through LuaJIT's FFI) from their
-- first request to their last answer.

local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *time);
]]
local clock = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local next_id = 0
local threads = {}

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local plan, dir = args[1], args[2]
  local body_count, thread_count, reserve = tonumber(args[3]), tonumber(args[4]), tonumber(args[5])
  bodies = {}
  for b = 0, body_count - 1 do
    local f = assert(io.open(dir .. "/" .. b .. ".json", "rb"))
    bodies[b] = f:read("*a")
    f:close()
  end
  paths, body_of, tokens = {}, {}, {}
  local n, line_no = 0, 0
  for line in io.lines(plan) do
    if line_no > 0 and (line_no - 1) % thread_count == id then
      local p, b, t = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
      n = n + 1
      paths[n], body_of[n], tokens[n] = p, tonumber(b), t
    end
    line_no = line_no + 1
  end
  total, budget, sent, stopping = n, n - reserve, 0, false
  statuses = {}
end

function request()
  if first_us == nil then
    first_us = now_us()
  end
  sent = sent + 1
  if sent > budget and not stopping then
    stopping = true
    local marker = io.open(os.getenv("BENCH_WRK_STOPPED"), "a")
    if marker ~= nil then
      marker:write(id, "\n")
      marker:close()
    end
    wrk.thread:stop()
  end
  -- Past the reserve a token is used twice: the service refuses it and wrk counts an error.
  local i = math.min(sent, total)
  return wrk.format("POST", paths[i], {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[i]
  }, bodies[body_of[i]])
end

function response(status, headers, body)
  last_us = now_us()
  if status ~= 200 then
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local merged, first, last = {}, nil, nil
  for _, thread in ipairs(threads) do
    local f, l = thread:get("first_us"), thread:get("last_us")
    if f ~= nil and (first == nil or f < first) then first = f end
    if l ~= nil and (last == nil or l > last) then last = l end
    for code, count in pairs(thread:get("statuses") or {}) do
      merged[code] = (merged[code] or 0) + count
    end
  end
  local codes = {}
  for code, count in pairs(merged) do
    table.insert(codes, string.format('"%s":%d', code, count))
  end
  local e = summary.errors
  local out = assert(io.open(os.getenv("BENCH_WRK_RESULT"), "w"))
  out:write(string.format(
    '{"durationUs":%d,"activeUs":%d,"requests":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"statuses":{%s},' ..
    '"latencyUs":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}',
    summary.duration, (last or 0) - (first or 0), summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, table.concat(codes, ","),
    latency.min, latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
  out:close()
end
