-- soak_gate.lua — wrk script for bench/soak.sh: gate terminals posting
-- readings (POST /api/gate/readings, Authorization: Bearer TOKEN) at a
-- paced rate, for the students of the demo school.
--
--   GATE_TOKEN   the device token (jinyun device add)
--   PEOPLE       a Lua file returning { "number", … }
--   THINK_MS     mean pause after each answer per connection (0 = none)
--
-- Each wrk thread has its own range of reading times (Unix seconds from
-- 2020-05-12 06:00 CST), so no two readings are the same.
local token = os.getenv("GATE_TOKEN") or ""
local people = dofile(os.getenv("PEOPLE"))
local think = tonumber(os.getenv("THINK_MS") or "0")
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
local counter = 0
local n = 0
local base = 1589234400

function setup(thread)
	thread:set("id", counter)
	counter = counter + 1
end

function init(args)
	base = base + id * 10000000
	math.randomseed(id * 7919 + 1)
end

function request()
	n = n + 1
	local p = people[math.random(1, #people)]
	local t = 35.8 + math.random(0, 12) / 10
	if math.random(1, 1000) <= 5 then
		t = 37.5
	end
	local body = string.format('{"person":"%s","temperature":%.1f,"time":%d}', p, t, base + n)
	return wrk.format("POST", "/api/gate/readings", headers, body)
end

function delay()
	return think > 0 and math.random(0, 2 * think) or 0
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("gate: %d requests in %.1f s (%.1f/s), non-2xx %d, socket errors %d, " ..
		"latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
		e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000,
		latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
