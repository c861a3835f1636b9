-- gate.lua — wrk script for bench/gate.sh: gate terminals posting readings
-- (POST /api/gate/readings, Authorization: Bearer TOKEN) for many people
-- during the morning rush of 2020-05-12 (China Standard Time).
--
--   GATE_TOKEN   the device tokens (jinyun device add), comma-separated:
--                each request comes from the next terminal in turn
--   GATE_PEOPLE  how many students: S00000001 … (bench/gen_roster numbering)
--   GATE_FEVER   per mille of readings at 37.5 °C (recheck), default 5
local tokens = {}
for t in string.gmatch(os.getenv("GATE_TOKEN") or "", "[^,]+") do
	tokens[#tokens + 1] = t
end
local people = tonumber(os.getenv("GATE_PEOPLE") or "20000")
local fever = tonumber(os.getenv("GATE_FEVER") or "5")
local headers = {}
for i, t in ipairs(tokens) do
	headers[i] = { ["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json" }
end
local n = 0

function init(args)
	math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
	n = n + 1
	local p = math.random(1, people)
	local t = 35.8 + math.random(0, 12) / 10
	if math.random(1, 1000) <= fever then
		t = 37.5
	end
	local s = n % 7200
	local body = string.format('{"person":"S%08d","temperature":%.1f,"time":"2020-05-12T%02d:%02d:%02d+08:00"}',
		p, t, 6 + math.floor(s / 3600), math.floor(s / 60) % 60, s % 60)
	return wrk.format("POST", "/api/gate/readings", headers[n % #headers + 1], body)
end
