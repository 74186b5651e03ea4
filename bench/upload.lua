-- bench/upload.lua: wrk's script for bench/upload.sh (many small uploads). Every request is a multipart upload of
-- the same small JPEG-headed file whose last 40 bytes are unique (run nonce, thread, counter), so no two bodies
-- are the same file and the gateway's content dedup never short-cuts one.
--   wrk ... -s bench/upload.lua URL -- FILE KEY PROJECT_ID NONCE IDS_PREFIX
-- Prints one key=value line at the end; the mediaItemIds of the 202s go to IDS_PREFIX.<thread> (for the cleanup).
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  local file = f:read("*a")
  f:close()
  base = file:sub(1, #file - 40)
  local boundary = "----mediaflow-bench-" .. tid
  local function field(name, value)
    return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n" .. value .. "\r\n"
  end
  head = field("projectId", args[3]) .. field("operations", "thumbnail,blur,low-quality")
      .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"media\"; filename=\"small.jpg\"\r\n"
      .. "Content-Type: image/jpeg\r\n\r\n" .. base
  tail = "\r\n--" .. boundary .. "--\r\n"
  headers = { ["X-API-Key"] = args[2], ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }
  nonce = args[4]
  n, accepted, refused = 0, 0, 0
  ids = assert(io.open(args[5] .. "." .. tid, "w"))
  ids:setvbuf("line")
end

function request()
  n = n + 1
  local token = string.format("%-40s", nonce .. "-" .. tid .. "-" .. n):sub(1, 40)
  return wrk.format("POST", "/api/media/upload", headers, head .. token .. tail)
end

function response(status, hdrs, body)
  if status == 202 then
    accepted = accepted + 1
    local id = body:match('"mediaItemId":"([^"]+)"')
    if id then ids:write(id, "\n") end
  else
    refused = refused + 1
    if refused <= 3 then io.stderr:write("non-202: ", status, " ", body:sub(1, 200), "\n") end
  end
end

function done(summary, latency, requests)
  local a, r = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    r = r + t:get("refused")
  end
  local e = summary.errors
  io.write(string.format("accepted=%d refused=%d socket_errors=%d timeouts=%d seconds=%.3f p50_ms=%.1f p99_ms=%.1f\n",
    a, r, e.connect + e.read + e.write, e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
