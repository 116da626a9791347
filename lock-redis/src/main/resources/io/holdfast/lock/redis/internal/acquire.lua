-- Takes the lock for ARGV[1] if it is free and returns a new fencing token (> 0).
-- KEYS[1] lock key, KEYS[2] fence counter; ARGV[1] owner value '<ownerId>:<thread>:<ms>',
-- ARGV[2] lease in ms, ARGV[3] '1' when the caller waits for a release notification, ARGV[4]
-- how many tokens to reserve (1 + the local handoffs the manager may make: the k-th thread of the
-- process that takes the lease over uses token + k). The fence key stores the last reserved token.
-- Re-sending the same owner value (a retry, or Lettuce replaying after a reconnect) returns the
-- same token. Tokens are max(previous token + 1, server TIME in microseconds), so they keep
-- increasing when Redis loses the counter (restart without persistence, a replica promoted before
-- it got the latest grants) unless the server clock steps back. SET ... GET stores the time and
-- reads the previous token in one command; only when the previous token is not below the time
-- (more than one grant per microsecond, or a clock that stepped back) is it raised to previous + 1.
-- Lua numbers are doubles, exact below 2^53 (microseconds since 1970: about 1.8e15); values are
-- written with '%d' because tostring() would give exponent notation. Needs Redis 6.2 (SET GET).
-- A handoff reservation ('~handoff:<ownerId>', left by a release that notified waiters) is free
-- for every manager but the one that released. When another owner holds the
-- lock, returns minus its remaining lease in ms and, for a notified waiter, marks the value with
-- a trailing '!' so that the release publishes.
local reserve = tonumber(ARGV[4])
local function next_token()
  local time = redis.call('time')
  local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
  local previous = tonumber(redis.call('set', KEYS[2], string.format('%d', now + reserve - 1), 'GET'))
  if previous and previous >= now then
    redis.call('set', KEYS[2], string.format('%d', previous + reserve))
    return previous + 1
  end
  return now
end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return next_token()
end
local v = redis.call('get', KEYS[1])
if v == ARGV[1] or v == ARGV[1] .. '!' then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return tonumber(redis.call('get', KEYS[2])) - reserve + 1
end
local marked = string.sub(v, -1) == '!'
local released_by = string.match(v, '^~handoff:([^!]*)')
if released_by and released_by ~= string.match(ARGV[1], '^([^:]*)') then
  -- keep the mark, so that the new holder's release wakes the waiters still listening
  redis.call('set', KEYS[1], marked and ARGV[1] .. '!' or ARGV[1], 'XX', 'PX', ARGV[2])
  return next_token()
end
if ARGV[3] == '1' and not marked then
  redis.call('set', KEYS[1], v .. '!', 'KEEPTTL')
end
local ttl = redis.call('pttl', KEYS[1])
if ttl < 1 then
  ttl = 1
end
return -ttl
