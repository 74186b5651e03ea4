-- Writes a job's snapshot only if it is newer than the one held: one atomic step for the hash, its TTL
-- and the change notification, so two writers racing can never leave the older snapshot in place.
-- Several jobs may be written in one call, each as if alone.
-- KEYS per job, four: the job hash, the job's channel, the all-jobs channel, its media item's hash
-- ARGV per job: the number n of its arguments, then its n arguments: version, TTL in ms, '1' when the caller
-- holds the job's row lock (reconciler), the change message, the results version the snapshot shows, field,
-- value, ...
-- A snapshot written raises the media item's hash to its results version (the highest any snapshot of the item
-- was written with; readers serve no snapshot of the item older than it) and clears the item's pending mark once
-- that version reaches it. A results version is only ever written once committed, so the hash never runs ahead
-- of PostgreSQL.
-- Returns how many of the jobs were written (for one job: 1 when written, 0 when refused).
local function resultsWritten(media, resultsVersion, ttl)
  local held = tonumber(redis.call('HGET', media, 'version') or '-1')
  if resultsVersion > held then
    redis.call('HSET', media, 'version', resultsVersion)
    held = resultsVersion
  end
  local pending = tonumber(redis.call('HGET', media, 'pending') or '-1')
  if pending <= held then
    redis.call('HDEL', media, 'pending')
  end
  -- every snapshot of the item has this TTL, so the hash outlives each one written
  redis.call('PEXPIRE', media, ttl)
end

local function write(hash, channel, allJobs, media, args)
  local version = tonumber(args[1])
  local locked = args[3] == '1'
  local stored = -1
  if redis.call('EXISTS', hash) == 1 then
    stored = tonumber(redis.call('HGET', hash, 'version') or '-1')
  elseif not locked then
    -- The key is gone (flushed, expired, or its pending mark failed): only a lock holder knows the committed
    -- version and may create it again. Streams still hear the change; they drop it if they saw a newer one.
    redis.call('PUBLISH', channel, args[4])
    redis.call('PUBLISH', allJobs, args[4])
    return 0
  end
  -- A lock holder writes what is committed, so it may also rewrite the same version (a change whose
  -- pending mark outlived a rollback or a crash).
  if version < stored or (version == stored and not locked) then
    return 0
  end
  redis.call('HSET', hash, 'version', args[1], unpack(args, 6))
  resultsWritten(media, tonumber(args[5]), args[2])
  local pending = tonumber(redis.call('HGET', hash, 'pending') or '-1')
  if locked or pending <= version then
    redis.call('HDEL', hash, 'pending')
  end
  redis.call('PEXPIRE', hash, args[2])
  if version > stored then
    redis.call('PUBLISH', channel, args[4])
    redis.call('PUBLISH', allJobs, args[4])
  end
  return 1
end

local written = 0
local a = 1
for k = 1, #KEYS, 4 do
  local n = tonumber(ARGV[a])
  local args = {}
  for i = 1, n do
    args[i] = ARGV[a + i]
  end
  a = a + n + 1
  written = written + write(KEYS[k], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], args)
end
return written
