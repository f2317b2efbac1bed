-- Appends one batch of usage records in a single round trip: one stream entry per stream for the whole batch
-- (fields `count` and `records`; the format is org.civicstack.platform.events.UsageStream's), then trims each stream
-- to about a maximum number of records, oldest entries first.
--   KEYS[1]   the stream of records that concern a citizen token (read by identity's token audit log)
--   KEYS[2]   how many records KEYS[1] holds
--   KEYS[3]   the stream of anonymous records
--   KEYS[4]   how many records KEYS[3] holds
--   ARGV[1]   the maximum records per stream (about: whole entries are removed, never the newest)
--   ARGV[2]   how many records for KEYS[1]      ARGV[3]   their text
--   ARGV[4]   how many records for KEYS[3]      ARGV[5]   their text
-- Returns the number of records appended.
local max = tonumber(ARGV[1])

local function append(stream, counter, count, records)
  if count == 0 then
    return 0
  end
  local id = redis.call('XADD', stream, '*', 'count', count, 'records', records)
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
end

return append(KEYS[1], KEYS[2], tonumber(ARGV[2]), ARGV[3]) + append(KEYS[3], KEYS[4], tonumber(ARGV[4]), ARGV[5])
