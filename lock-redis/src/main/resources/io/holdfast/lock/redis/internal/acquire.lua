-- Takes the lock for ARGV[1] if it is free and returns a new fencing token (> 0).
-- KEYS[1] lock key, KEYS[2] fence counter; ARGV[1] owner value '<ownerId>:<thread>:<ms>',
-- ARGV[2] lease in ms, ARGV[3] '1' when the caller waits for a release notification.
-- Re-sending the same owner value (a retry, or Lettuce replaying after a reconnect) returns the
-- same token. A handoff reservation ('~handoff:<ownerId>', left by a release that notified
-- waiters) is free for every manager but the one that released. When another owner holds the
-- lock, returns minus its remaining lease in ms and, for a notified waiter, marks the value with
-- a trailing '!' so that the release publishes.
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('incr', KEYS[2])
end
local v = redis.call('get', KEYS[1])
if v == ARGV[1] or v == ARGV[1] .. '!' then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return tonumber(redis.call('get', KEYS[2]))
end
local marked = string.sub(v, -1) == '!'
local released_by = string.match(v, '^~handoff:([^!]*)')
if released_by and released_by ~= string.match(ARGV[1], '^([^:]*)') then
  -- keep the mark, so that the new holder's release wakes the waiters still listening
  redis.call('set', KEYS[1], marked and ARGV[1] .. '!' or ARGV[1], 'XX', 'PX', ARGV[2])
  return redis.call('incr', KEYS[2])
end
if ARGV[3] == '1' and not marked then
  redis.call('set', KEYS[1], v .. '!', 'KEEPTTL')
end
local ttl = redis.call('pttl', KEYS[1])
if ttl < 1 then
  ttl = 1
end
return -ttl
