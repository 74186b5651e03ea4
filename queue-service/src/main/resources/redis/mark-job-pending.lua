-- Called inside the transaction of a change, before its commit: until a snapshot of at least this version
-- is written, readers take the job from PostgreSQL, so none is served a version older than the committed one.
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
