-- Appends a batch of usage records to the usage streams in a single round trip (one script call instead of one XADD
-- per request, which would cost the gateway and Redis more CPU than the dispatch itself).
--   KEYS[1]   the stream of records that concern a citizen token (read by identity's token audit log)
--   KEYS[2]   the stream of anonymous records (no token involved: the audit log has no use for them)
--   ARGV[1]   approximate MAXLEN for trimming (each stream)
--   ARGV[2]   n, the number of fields per record
--   ARGV[3]   k, how many of them (the first k) are always written; the others only when not empty
--   ARGV[4]   t, how many records (the first t) go to KEYS[1]; the rest go to KEYS[2]
--   ARGV[5 .. 4+n]          the field names
--   then the records, n values each, in the order of the names
-- Every record becomes one stream entry, in order within its stream. Returns the number of entries added.
local maxlen = ARGV[1]
local n = tonumber(ARGV[2])
local k = tonumber(ARGV[3])
local t = tonumber(ARGV[4])
local first = 5 + n
local count = 0
for i = first, #ARGV - n + 1, n do
  local entry = {}
  local m = 0
  for j = 1, n do
    local value = ARGV[i + j - 1]
    if j <= k or value ~= '' then
      entry[m + 1] = ARGV[4 + j]
      entry[m + 2] = value
      m = m + 2
    end
  end
  local key = KEYS[2]
  if count < t then
    key = KEYS[1]
  end
  redis.call('XADD', key, 'MAXLEN', '~', maxlen, '*', unpack(entry))
  count = count + 1
end
return count
