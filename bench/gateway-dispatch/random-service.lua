-- wrk script: every request goes to a randomly chosen published service, /s/bench-NNNNNN/ with NNNNNN in 1..N.
-- Usage: wrk ... -s random-service.lua http://127.0.0.1:<gateway-port> -- <N>
local n = 10

function init(args)
  n = tonumber(args[1]) or n
  -- a different sequence in each wrk thread
  math.randomseed(os.time() + math.floor(os.clock() * 1000000) + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return wrk.format("GET", string.format("/s/bench-%06d/", math.random(1, n)))
end
