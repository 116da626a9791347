-- An operator's forced release of one lock (run after tokens-and-queue.lua, whose KEYS it uses:
-- lock, fence, queue, queue expiries, readers). ARGV[1] the owner value the operator saw (without the
-- waiter mark), ARGV[2] tokens to reserve, ARGV[3] grant channel prefix, ARGV[4] claim ms.
-- Evicts only that holder: a lock that changed hands since is left alone. A shared lock
-- ('~shared') evicts every reader: the readers key goes too, so that no reader's renewal can find
-- its entry again once the lock is SHARED anew (granted to other readers); the evicted readers
-- report the loss at their next renewal. The fence is advanced
-- past every token the evicted holder may use (its grant's token and the ones reserved for its
-- in-process handoffs), either by handing the lock to the oldest live waiter (grant_next, as a
-- release does) or, when nobody live waits, by reserving a new token that no one is granted.
-- Returns {code, evicted value, fence before, new token, new owner value}: code 0 not held,
-- -1 held by another value (returned as the evicted value), 1 released, 2 handed to a waiter.
local v = redis.call('get', KEYS[1])
if not v then
  return {0, '', '', '', ''}
end
if v ~= ARGV[1] and v ~= ARGV[1] .. '!' then
  return {-1, v, '', '', ''}
end
local fence = redis.call('get', KEYS[2]) or ''
redis.call('del', KEYS[1])
if is_shared(v) then
  redis.call('del', KEYS[5])
end
local now = now_micros()
local reserve = tonumber(ARGV[2])
local token = grant_next(now, reserve, ARGV[3], ARGV[4])
if token then
  return {2, v, fence, string.format('%d', token), redis.call('get', KEYS[1]) or ''}
end
return {1, v, fence, string.format('%d', next_token(now, reserve)), ''}
