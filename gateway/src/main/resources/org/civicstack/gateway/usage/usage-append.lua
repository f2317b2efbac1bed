-- Appends a batch of usage records to one stream in a single round trip (one script call instead of one XADD per
-- request, which would cost the gateway and Redis more CPU than the dispatch itself).
--   KEYS[1]   the stream
--   ARGV[1]   approximate MAXLEN for trimming
--   ARGV[2]   n, the number of fields per record
--   ARGV[3 .. 2+n]          the field names
--   then the records, n values each, in the order of the names
-- Every record becomes one stream entry, in order. Returns the number of entries added.
local maxlen = ARGV[1]
local n = tonumber(ARGV[2])
local first = 3 + n
local count = 0
local entry = {}
for i = first, #ARGV - n + 1, n do
  for j = 1, n do
    entry[2 * j - 1] = ARGV[2 + j]
    entry[2 * j] = ARGV[i + j - 1]
  end
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', unpack(entry))
  count = count + 1
end
return count
