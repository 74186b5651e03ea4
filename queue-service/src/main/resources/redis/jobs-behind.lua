-- Which of a page of jobs hold a Redis snapshot behind what PostgreSQL committed: the reconciler's check of a
-- page in one call instead of one read per job (JobStatusCache.behind; the rule is JobStatusCache.Held.isBehind).
-- KEYS: the job hashes; ARGV: the committed version of each, in the same order.
-- A job is behind when it has no snapshot (no 'item' field: version -1), when its snapshot's version is older
-- than the committed one, or when a change is pending past its snapshot (pending -1 when none).
-- Returns the 1-based positions of the jobs that are behind, in order.
local behind = {}
for i = 1, #KEYS do
  local held = redis.call('HMGET', KEYS[i], 'version', 'pending', 'item')
  local version = -1
  if held[3] then
    version = tonumber(held[1]) or -1
  end
  local pending = -1
  if held[2] then
    pending = tonumber(held[2]) or -1
  end
  if version < tonumber(ARGV[i]) or pending > version then
    behind[#behind + 1] = i
  end
end
return behind
