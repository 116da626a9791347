-- Deletes the lock only if ARGV[1] owns it; publishes on ARGV[2] only if a waiter marked it.
-- KEYS[1] lock key; ARGV[1] owner value, ARGV[2] release channel. Returns 1 if released.
local v = redis.call('get', KEYS[1])
if v == ARGV[1] then
  redis.call('del', KEYS[1])
  return 1
end
if v == ARGV[1] .. '!' then
  redis.call('del', KEYS[1])
  redis.call('publish', ARGV[2], '')
  return 1
end
return 0
