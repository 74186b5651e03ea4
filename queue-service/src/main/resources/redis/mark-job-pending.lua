-- Called inside the transaction of a change, before its commit: until a snapshot of at least this version
-- is written, readers take the job from PostgreSQL, so none is served a version older than the committed one.
-- The same for a media item's results (its media:<id> hash, JobStatusCache.markResultsPending): until a snapshot
-- showing at least this results version is written, no snapshot of the item's jobs is served.
-- KEYS the hashes of the jobs the transaction changed; ARGV[i] the version of KEYS[i] being committed,
-- ARGV[#KEYS + 1] TTL in ms (with the mark, atomically). Returns how many jobs were marked.
local ttl = ARGV[#KEYS + 1]
for i, key in ipairs(KEYS) do
  local pending = tonumber(redis.call('HGET', key, 'pending') or '-1')
  if tonumber(ARGV[i]) > pending then
    redis.call('HSET', key, 'pending', ARGV[i])
  end
  redis.call('PEXPIRE', key, ttl)
end
return #KEYS
