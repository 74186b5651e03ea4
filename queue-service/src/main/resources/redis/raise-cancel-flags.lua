-- The cancel flags of jobs (RedisKeys.cancel): a worker skips a task of that run or an older one.
-- KEYS the flags; ARGV[i] the cancelled run of KEYS[i], ARGV[#KEYS + 1] TTL in ms. Returns how many were set.
local ttl = ARGV[#KEYS + 1]
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[i], 'PX', ttl)
end
return #KEYS
