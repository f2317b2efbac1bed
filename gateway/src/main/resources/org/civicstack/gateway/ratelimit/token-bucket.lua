-- Token leases from one or two buckets (all KEYS in one hash slot: they share the {svc:<code>} tag).
--   KEYS[i]        a hash {tokens, ts}: tokens left (may be fractional) and when they were counted (µs, Redis clock)
--   ARGV[3i - 2]   refill rate of KEYS[i], tokens per second (may be fractional)
--   ARGV[3i - 1]   burst capacity of KEYS[i]
--   ARGV[3i]       tokens asked of KEYS[i] (the lease the caller wants; 0 only reads the bucket)
-- Gives every key min(asked, whole tokens it holds), but only if every key asked for a token holds at least one;
-- otherwise takes nothing from any key and writes nothing.
-- Returns {wait, granted_1, left_1, wait_1, ..., granted_n, left_n, wait_n}:
--   wait        ms until every refusing key holds one token; 0 when the tokens were granted
--   granted_i   tokens taken from KEYS[i] (0 when refused)
--   left_i      whole tokens left in KEYS[i] afterwards
--   wait_i      ms until KEYS[i] holds one token; 0 if it holds one
-- Time comes from Redis, so gateway instances with skewed clocks agree. A missing key is a full bucket; each written
-- key expires when it would be full again, so idle buckets vanish and Redis holds nothing that cannot be rebuilt.
-- Needs Redis 5+ (effects replication is the default there, which TIME before a write requires).

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local count = #KEYS
local rates, bursts, asked, levels, waits = {}, {}, {}, {}, {}
local wait = 0
for i = 1, count do
  local rate = tonumber(ARGV[3 * i - 2])
  local burst = tonumber(ARGV[3 * i - 1])
  local want = tonumber(ARGV[3 * i])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local tokens = tonumber(state[1])
  local updated = tonumber(state[2])
  if tokens == nil or updated == nil then
    tokens = burst
  else
    tokens = math.min(burst, tokens + math.max(0, now - updated) * rate / 1000000)
  end
  local until_one = 0
  if tokens < 1 then
    until_one = math.ceil((1 - tokens) * 1000 / rate)
    if want > 0 then
      wait = math.max(wait, until_one)
    end
  end
  rates[i], bursts[i], asked[i], levels[i], waits[i] = rate, burst, want, tokens, until_one
end

local reply = {wait}
if wait > 0 then
  -- refused: nothing is taken and nothing is written; the buckets' state is unchanged
  for i = 1, count do
    reply[3 * i - 1] = 0
    reply[3 * i] = math.floor(levels[i])
    reply[3 * i + 1] = waits[i]
  end
  return reply
end

for i = 1, count do
  local granted = math.min(asked[i], math.floor(levels[i]))
  local left = levels[i] - granted
  if granted > 0 then
    local ttl = math.max(1, math.ceil((bursts[i] - left) * 1000 / rates[i]))
    -- numbers go to Redis as formatted strings: Lua's default %.14g would round the µs timestamp
    redis.call('HSET', KEYS[i], 'tokens', string.format('%.17g', left), 'ts', string.format('%.0f', now))
    redis.call('PEXPIRE', KEYS[i], string.format('%.0f', ttl))
  end
  reply[3 * i - 1] = granted
  reply[3 * i] = math.floor(left)
  reply[3 * i + 1] = waits[i]
end
return reply
