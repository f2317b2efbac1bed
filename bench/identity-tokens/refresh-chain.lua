-- wrk script for rotating refresh tokens. Ours are single-use, and presenting a used one revokes its whole
-- family, so replaying one body (token-request.lua) would measure errors, not refreshes. Each wrk thread owns a
-- disjoint pool of chain heads: a request takes a refresh token out of its pool, the answer's new refresh token
-- goes back in. A token in flight when wrk stops is lost (at most one per connection); the pools left at the end
-- are written back to the file for the next run (warm-up, then each round).
--   BENCH_CHAINS   file with one refresh token per line (read at the start, rewritten at the end)
--   BENCH_CLIENT   the public client's client_id
--   BENCH_THREADS  wrk's -t (to split the chains among the threads)
-- A non-200 answer (wrk's "Non-2xx" line) ends its chain; a run with any is not a throughput number.
local chains_file = os.getenv("BENCH_CHAINS")
local client_id = os.getenv("BENCH_CLIENT")
local thread_count = tonumber(os.getenv("BENCH_THREADS"))
local seeds = {}
for line in io.lines(chains_file) do
  if line ~= "" then seeds[#seeds + 1] = line end
end
local threads = {}

function setup(thread)
  local index = #threads + 1
  local mine = {}
  for j = index, #seeds, thread_count do mine[#mine + 1] = seeds[j] end
  thread:set("pool", mine)
  threads[index] = thread
end

function request()
  local token = table.remove(pool) or "pool-exhausted"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }, "grant_type=refresh_token&client_id=" .. client_id .. "&refresh_token=" .. token)
end

function response(status, headers, body)
  if status == 200 then
    local token = string.match(body, '"refresh_token"%s*:%s*"([^"]+)"')
    if token ~= nil then pool[#pool + 1] = token end
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(chains_file, "w"))
  local left = 0
  for _, thread in ipairs(threads) do
    for _, token in ipairs(thread:get("pool") or {}) do
      out:write(token, "\n")
      left = left + 1
    end
  end
  out:close()
  io.write(string.format("refresh chains left: %d of %d\n", left, #seeds))
end
