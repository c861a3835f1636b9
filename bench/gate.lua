-- gate.lua — wrk script for bench/gate.sh: gate terminals posting readings
-- (POST /api/gate/readings, Authorization: Bearer TOKEN) for many people
-- during the morning rush of 2020-05-12 (China Standard Time).
--
--   GATE_TOKEN   the device tokens (jinyun device add), comma-separated:
--                each request comes from the next terminal in turn
--   GATE_PEOPLE  how many students: S00000001 … (bench/gen_roster numbering)
--   GATE_FEVER   per mille of readings at 37.5 °C (recheck), default 5
--
-- wrk shares the two cores with the server, so the requests are made
-- before the clock starts: each wrk thread formats a ring of 65,536
-- requests in init() (random students and temperatures, the next terminal
-- each time, reading times one second apart from 06:00) and request()
-- hands out the next.  Formatting them per request (wrk.format) cost a
-- fifth of the CPU the server had.  After 65,536 requests a thread starts
-- the ring again: the same student at the same time, which the server
-- stores as one more reading.
local tokens = {}
for t in string.gmatch(os.getenv("GATE_TOKEN") or "", "[^,]+") do
	tokens[#tokens + 1] = t
end
local people = tonumber(os.getenv("GATE_PEOPLE") or "20000")
local fever = tonumber(os.getenv("GATE_FEVER") or "5")
local RING = 65536
local ring = {}
local n = 0

function init(args)
	local random, format, floor = math.random, string.format, math.floor
	math.randomseed(os.time() + floor(os.clock() * 1000000))
	local fmt = '{"person":"S%08d","temperature":%.1f,"time":"2020-05-12T%02d:%02d:%02d+08:00"}'
	local len = #format(fmt, 1, 36.5, 6, 0, 0) -- every body has this length
	local heads = {}
	for i, t in ipairs(tokens) do
		heads[i] = "POST /api/gate/readings HTTP/1.1\r\nHost: " .. wrk.host .. ":" .. wrk.port ..
			"\r\nAuthorization: Bearer " .. t .. "\r\nContent-Type: application/json\r\n" ..
			"Content-Length: " .. len .. "\r\n\r\n"
	end
	for k = 1, RING do
		local t = 35.8 + random(0, 12) / 10
		if random(1, 1000) <= fever then
			t = 37.5
		end
		local s = k % 7200
		ring[k] = heads[k % #heads + 1] ..
			format(fmt, random(1, people), t, 6 + floor(s / 3600), floor(s / 60) % 60, s % 60)
	end
end

function request()
	n = n % RING + 1
	return ring[n]
end
