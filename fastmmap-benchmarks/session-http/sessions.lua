-- wrk script for the session-store benchmark (run-session-http-benchmark.sh): GET /api/visits of the spring demo,
-- which reads and increments a counter in the session, so every request loads and saves its session.
-- Each wrk thread first opens SESSIONS sessions (a request without a cookie gets a new one; its Set-Cookie is kept),
-- then sends every further request with the next of its cookies in turn: many sessions, each used over and over.
local wanted = tonumber(os.getenv("SESSIONS") or "100")
local cookies = {}
local n = 0

request = function()
  if #cookies < wanted then
    return wrk.format("GET", "/api/visits")
  end
  n = n + 1
  return wrk.format("GET", "/api/visits", { Cookie = cookies[(n % #cookies) + 1] })
end

response = function(status, headers, body)
  if #cookies < wanted then
    local c = headers["Set-Cookie"]
    if c then
      cookies[#cookies + 1] = c:match("^([^;]+)")
    end
  end
end
