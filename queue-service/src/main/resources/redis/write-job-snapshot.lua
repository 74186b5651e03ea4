-- Writes a job's snapshot only if it is newer than the one held: one atomic step for the hash, its TTL
-- and the change notification, so two writers racing can never leave the older snapshot in place.
-- KEYS[1] the job hash, KEYS[2] the job's channel, KEYS[3] the all-jobs channel
-- ARGV[1] version, ARGV[2] TTL in ms, ARGV[3] '1' when the caller holds the job's row lock (reconciler),
-- ARGV[4] the change message, ARGV[5..] field, value, ...
-- Returns 1 when written, 0 when refused.
local version = tonumber(ARGV[1])
local locked = ARGV[3] == '1'
local stored = -1
if redis.call('EXISTS', KEYS[1]) == 1 then
  stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
elseif not locked then
  -- The key is gone (flushed, expired, or its pending mark failed): only a lock holder knows the committed
  -- version and may create it again. Streams still hear the change; they drop it if they saw a newer one.
  redis.call('PUBLISH', KEYS[2], ARGV[4])
  redis.call('PUBLISH', KEYS[3], ARGV[4])
  return 0
end
-- A lock holder writes what is committed, so it may also rewrite the same version (a change whose
-- pending mark outlived a rollback or a crash).
if version < stored or (version == stored and not locked) then
  return 0
end
redis.call('HSET', KEYS[1], 'version', ARGV[1], unpack(ARGV, 5))
local pending = tonumber(redis.call('HGET', KEYS[1], 'pending') or '-1')
if locked or pending <= version then
  redis.call('HDEL', KEYS[1], 'pending')
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if version > stored then
  redis.call('PUBLISH', KEYS[2], ARGV[4])
  redis.call('PUBLISH', KEYS[3], ARGV[4])
end
return 1
