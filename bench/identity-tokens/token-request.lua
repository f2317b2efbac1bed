-- wrk script: POST an OAuth token request form, optionally with HTTP Basic client authentication.
--   BENCH_FORM   the form body, e.g. grant_type=client_credentials&scope=registry%3Aread
--   BENCH_BASIC  base64(client_id:secret), or empty for a public client (refresh_token grant)
-- Counts answers that are not 200 (wrk's own "Non-2xx" line counts them too) so a run of errors is never taken
-- for throughput.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_FORM")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
local basic = os.getenv("BENCH_BASIC")
if basic ~= nil and basic ~= "" then
  wrk.headers["Authorization"] = "Basic " .. basic
end
