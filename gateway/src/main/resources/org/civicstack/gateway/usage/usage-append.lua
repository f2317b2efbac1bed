-- Appends one batch of usage records to one usage stream in a single round trip: one stream entry for the whole batch
-- (fields `count` and `records`; the format is org.civicstack.platform.events.UsageStream's), then trims the stream
-- to about a maximum number of records, oldest entries first. Two keys in one hash slot (cluster-safe).
--   KEYS[1]   the stream
--   KEYS[2]   how many records it holds ({<stream>}:records)
--   ARGV[1]   the maximum records (about: whole entries are removed, never the newest)
--   ARGV[2]   how many records        ARGV[3]   their text
-- Returns the number of records appended.
local max = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local stream = KEYS[1]
local counter = KEYS[2]
local id = redis.call('XADD', stream, '*', 'count', count, 'records', ARGV[3])
local total = redis.call('INCRBY', counter, count)
-- a batch adds one entry; removing up to eight old ones per call keeps up, also after the maximum was lowered
for _ = 1, 8 do
  if total <= max then
    break
  end
  local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
  if #oldest == 0 or oldest[1][1] == id then
    -- only the newest entry is left (the stream was deleted or trimmed by hand): the count starts again from it
    redis.call('SET', counter, count)
    break
  end
  local fields = oldest[1][2]
  local n = 0
  for i = 1, #fields - 1, 2 do
    if fields[i] == 'count' then
      n = tonumber(fields[i + 1]) or 0
    end
  end
  local ms, seq = string.match(oldest[1][1], '^(%d+)-(%d+)$')
  redis.call('XTRIM', stream, 'MINID', ms .. '-' .. (tonumber(seq) + 1))
  total = redis.call('DECRBY', counter, n)
end
return count
