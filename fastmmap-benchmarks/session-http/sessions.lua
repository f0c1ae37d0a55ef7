-- wrk script for the session-store benchmark (run-session-http-benchmark.sh): GET /api/visits of the spring demo,
-- which reads and increments a counter in the session, so every request loads and saves its session.
-- Each wrk thread first opens SESSIONS sessions (a request without a cookie gets a new one; its Set-Cookie is kept),
-- then sends every further request with the next of its cookies in turn: many sessions, each used over and over.
-- With COOKIE_FILE set, each thread writes its cookies to COOKIE_FILE.<thread> once it has them, and a later wrk run
-- that finds that file starts from those sessions instead of opening new ones: the measured run after a warm-up then
-- only reads and writes existing sessions, as a server in its steady state does (a burst of new sessions at its start
-- would send code the JIT compiled during the warm-up, which never saw one, back to slower tiers).
-- PATH_MEASURED (default /api/visits) is what the sessions are used for once opened: /api/cart only reads the session
-- (read-mostly traffic), /api/visits changes it on every request (write-heavy).
local wanted = tonumber(os.getenv("SESSIONS") or "100")
local measured_path = os.getenv("PATH_MEASURED") or "/api/visits"
local cookie_file = os.getenv("COOKIE_FILE")
local cookies = {}
local n = 0
local written = false
local threads = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  if cookie_file then
    local f = io.open(cookie_file .. "." .. thread_index, "r")
    if f then
      for line in f:lines() do
        cookies[#cookies + 1] = line
      end
      f:close()
      written = true
    end
  end
end

request = function()
  if #cookies < wanted then
    return wrk.format("GET", "/api/visits")
  end
  n = n + 1
  return wrk.format("GET", measured_path, { Cookie = cookies[(n % #cookies) + 1] })
end

response = function(status, headers, body)
  if #cookies < wanted then
    local c = headers["Set-Cookie"]
    if c then
      cookies[#cookies + 1] = c:match("^([^;]+)")
    end
  elseif cookie_file and not written then
    written = true
    local f = io.open(cookie_file .. "." .. thread_index, "w")
    for _, cookie in ipairs(cookies) do
      f:write(cookie, "\n")
    end
    f:close()
  end
end
