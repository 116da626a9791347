-- Releases the lock only if ARGV[1] owns it. KEYS[1] lock key; ARGV[1] owner value,
-- ARGV[2] release channel, ARGV[3] the releasing manager's owner id, ARGV[4] handoff window ms.
-- Returns 0 if not ours, 1 if released, 2 if handed off to waiters.
-- Without waiters the key is deleted. When a waiter marked it, the key becomes a short
-- reservation '~handoff:<ownerId>' that any other manager may take at once (see acquire.lua) and
-- the waiters are notified: the releasing process, whose next thread is already queued, cannot
-- snatch the lock back before a notified waiter elsewhere had its turn.
local v = redis.call('get', KEYS[1])
if v == ARGV[1] then
  redis.call('del', KEYS[1])
  return 1
end
if v == ARGV[1] .. '!' then
  redis.call('set', KEYS[1], '~handoff:' .. ARGV[3], 'PX', ARGV[4])
  redis.call('publish', ARGV[2], '')
  return 2
end
return 0
