-- Atomic token bucket over one or two buckets (all KEYS in one hash slot: they share the {svc:<code>} tag).
--   KEYS[i]        a hash {tokens, ts}: tokens left (may be fractional) and when they were counted (µs, Redis clock)
--   ARGV[2i - 1]   refill rate of KEYS[i], tokens per second (may be fractional)
--   ARGV[2i]       burst capacity of KEYS[i]
-- Takes one token from every bucket, or from none when any of them has less than one.
-- Returns {allowed (1 or 0), whole tokens left in the emptiest bucket, ms until a retry can succeed (0 if allowed)}.
-- Time comes from Redis, so gateway instances with skewed clocks agree. A missing key is a full bucket; each written
-- key expires when it would be full again, so idle buckets vanish and Redis holds nothing that cannot be rebuilt.
-- Needs Redis 5+ (effects replication is the default there, which TIME before a write requires).

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local count = #KEYS
local rates, bursts, levels = {}, {}, {}
local wait = 0
for i = 1, count do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local tokens = tonumber(state[1])
  local updated = tonumber(state[2])
  if tokens == nil or updated == nil then
    tokens = burst
  else
    tokens = math.min(burst, tokens + math.max(0, now - updated) * rate / 1000000)
  end
  if tokens < 1 then
    wait = math.max(wait, (1 - tokens) * 1000000 / rate)
  end
  rates[i], bursts[i], levels[i] = rate, burst, tokens
end

if wait > 0 then
  -- refused: nothing is taken and nothing is written; the buckets' state is unchanged
  return {0, 0, math.ceil(wait / 1000)}
end

local remaining = nil
for i = 1, count do
  local left = levels[i] - 1
  local ttl = math.max(1, math.ceil((bursts[i] - left) * 1000 / rates[i]))
  -- numbers go to Redis as formatted strings: Lua's default %.14g would round the µs timestamp
  redis.call('HSET', KEYS[i], 'tokens', string.format('%.17g', left), 'ts', string.format('%.0f', now))
  redis.call('PEXPIRE', KEYS[i], string.format('%.0f', ttl))
  if remaining == nil or left < remaining then
    remaining = left
  end
end
return {1, math.floor(remaining), 0}
