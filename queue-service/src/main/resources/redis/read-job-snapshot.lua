-- The item endpoint's read of one job (JobStatusCache.read) in one round trip: the job's hash and, when it names
-- its media item, that item's results version hash, whose key is built here from the job's media_item_id (one
-- Redis instance, as mediaflow runs it; a Redis Cluster would want every key declared, and would need the two
-- in one slot). Two reads from the client cost the endpoint about a tenth of its requests per second.
-- KEYS[1] the job hash; ARGV[1] the prefix of media item hashes ('<prefix>media:').
-- Returns the job hash's fields and values, flat (empty when there is none), then 'media.version' and
-- 'media.pending' with the item's values, each only where it is set.
local held = redis.call('HGETALL', KEYS[1])
local media
for i = 1, #held, 2 do
  if held[i] == 'media_item_id' then
    media = held[i + 1]
  end
end
if media then
  local results = redis.call('HMGET', ARGV[1] .. media, 'version', 'pending')
  if results[1] then
    held[#held + 1] = 'media.version'
    held[#held + 1] = results[1]
  end
  if results[2] then
    held[#held + 1] = 'media.pending'
    held[#held + 1] = results[2]
  end
end
return held
