-- Called inside the transaction of a change, before its commit: until a snapshot of at least this version
-- is written, readers take the job from PostgreSQL, so none is served a version older than the committed one.
-- KEYS[1] the job hash; ARGV[1] the version being committed, ARGV[2] TTL in ms (with the mark, atomically).
local pending = tonumber(redis.call('HGET', KEYS[1], 'pending') or '-1')
if tonumber(ARGV[1]) > pending then
  redis.call('HSET', KEYS[1], 'pending', ARGV[1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
