-- Appends a batch of usage records to one stream in a single round trip (one script call instead of one XADD per
-- request, which would cost the gateway and Redis more CPU than the dispatch itself).
--   KEYS[1]   the stream
--   ARGV[1]   approximate MAXLEN for trimming
--   ARGV[2]   n, the number of fields per record
--   ARGV[3]   k, how many of them (the first k) are always written; the others only when not empty
--   ARGV[4 .. 3+n]          the field names
--   then the records, n values each, in the order of the names
-- Every record becomes one stream entry, in order. Returns the number of entries added.
local maxlen = ARGV[1]
local n = tonumber(ARGV[2])
local k = tonumber(ARGV[3])
local first = 4 + n
local count = 0
for i = first, #ARGV - n + 1, n do
  local entry = {}
  local m = 0
  for j = 1, n do
    local value = ARGV[i + j - 1]
    if j <= k or value ~= '' then
      entry[m + 1] = ARGV[3 + j]
      entry[m + 2] = value
      m = m + 2
    end
  end
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', unpack(entry))
  count = count + 1
end
return count
