-- wrk script for `make load`: alternates POST /auth/login and GET /auth/userinfo (a 50/50 mix) and
-- counts answers by status across all threads. Env: BENCH_EMAIL, BENCH_PASSWORD, BENCH_ACCESS_TOKEN.
local email = os.getenv("BENCH_EMAIL")
local password = os.getenv("BENCH_PASSWORD")
local token = os.getenv("BENCH_ACCESS_TOKEN")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  n, ok, r429, other, logins, infos = 0, 0, 0, 0, 0, 0
  login_req = wrk.format("POST", "/auth/login", { ["Content-Type"] = "application/json" },
    string.format('{"email":"%s","password":"%s"}', email, password))
  info_req = wrk.format("GET", "/auth/userinfo", { ["Authorization"] = "Bearer " .. token }, nil)
end

function request()
  n = n + 1
  if n % 2 == 1 then logins = logins + 1; return login_req end
  infos = infos + 1
  return info_req
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 429 then r429 = r429 + 1
  else
    other = other + 1
    if other <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  local o, t, x = 0, 0, 0
  for _, th in ipairs(threads) do
    o = o + th:get("ok"); t = t + th:get("r429"); x = x + th:get("other")
  end
  local e = summary.errors
  io.write(string.format("RESULT ok=%d r429=%d other=%d sock_connect=%d sock_read=%d sock_write=%d timeout=%d p50_us=%d p99_us=%d max_us=%d requests=%d duration_us=%d\n",
    o, t, x, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, summary.requests, summary.duration))
end
