-- checks.lua — wrk script: teachers submitting their class's morning check
-- through POST /api/checks, one class after another, each with two
-- exceptions (a feverish student with a cough, and one absent for illness).
-- CLASSES names a Lua file returning { {id, no1, no2[, cookie]}, … }; COOKIE
-- is the session cookie (a class's own cookie, when given, goes first: each
-- school's own login); DATE the day checked (default 2020-06-15).
local classes = dofile(os.getenv("CLASSES"))
local cookie = os.getenv("COOKIE")
local date = os.getenv("DATE") or "2020-06-15"
local counter = 0
local n = 0

function setup(thread)
	thread:set("id", counter)
	counter = counter + 1
end

function init(args)
	n = id * 7919
	math.randomseed(id * 104729 + 1)
end

function request()
	n = n + 1
	local c = classes[(n % #classes) + 1]
	local body = string.format(
		'{"class_id":%d,"date":"%s","session":"morning","entries":[' ..
		'{"student_no":"%s","temperature":38.2,"symptoms":["cough"]},' ..
		'{"student_no":"%s","status":"absent_sick","symptoms":["fever"]}]}',
		c[1], date, c[2], c[3])
	return wrk.format("POST", "/api/checks", {
		["Content-Type"] = "application/json",
		["Cookie"] = c[4] or cookie,
	}, body)
end

-- THINK_MS: a pause after each answer, as a teacher takes before the next
-- class (0 = none: every connection sends as fast as it is answered).
local think = tonumber(os.getenv("THINK_MS") or "0")
function delay()
	-- teachers do not move in step: a random pause averaging THINK_MS
	return think > 0 and math.random(0, 2 * think) or 0
end

function done(summary, latency, requests)
	io.write(string.format("checks: %d requests in %.1f s (%.0f/s), non-2xx %d, " ..
		"latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
		summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(99) / 1000, latency.max / 1000))
end
