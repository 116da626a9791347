-- Takes the lock for ARGV[1] if it is free and returns {token} with a new fencing token (> 0);
-- else returns {-ttl, fence, queued}: minus the holder's remaining lease in ms (at least 1), so
-- that a waiter can try again the moment a holder that stopped renewing loses the lock; the last
-- token reserved, so that a waiter can tell a grant message sent after this reply (its token is
-- greater) from a stale one; and 1 if the owner is in the queue now, else 0. ARGV[1] owner value,
-- ARGV[2] lease ms, ARGV[3] mode: 'try' (never queue), 'join' (a waiter's first attempt, or its
-- return after it lost its place: queue when busy), 'queued' (a queued waiter's refresh: keeps
-- an entry that is still there, never adds one, so a refresh delayed past the end of its acquire
-- cannot queue a finished acquire again), 'leave' (a queued waiter giving up: take the lock if it
-- was granted meanwhile, else leave the queue), ARGV[4] tokens to reserve, ARGV[5] queue entry
-- lifetime ms. Re-sending the same owner value (a retry, a replay after a reconnect, a waiter's
-- refresh after a release granted it the lock) returns the same token and extends the lease.
-- A waiter joins the queue once (its arrival time is its place), refreshes its entry's expiry,
-- and marks the lock so that the holder's release hands it over (see release.lua). The queue
-- keys live as long as their longest-lived entry (a refresh only ever extends their TTL), so a
-- queue whose waiters all died leaves nothing and a short-lease waiter never cuts a long one's
-- entry short; each entry dies by its own deadline (KEYS[4]).
-- A lock that is free takes whoever asks first, queue or not: that happens only when a holder's
-- lease ran out, and the queued waiters then take their turns again from the next release.
local owner, lease, mode, reserve = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local function leave_queue()
  redis.call('zrem', KEYS[3], owner)
  redis.call('hdel', KEYS[4], owner)
end
local function extend(key, ms)
  if redis.call('pttl', key) < ms then
    redis.call('pexpire', key, ms)
  end
end
if redis.call('set', KEYS[1], owner, 'NX', 'PX', lease) then
  if mode == 'queued' or mode == 'leave' then
    leave_queue()
  end
  return {next_token(now_micros(), reserve)}
end
local v = redis.call('get', KEYS[1])
if v == owner or v == owner .. '!' then
  redis.call('pexpire', KEYS[1], lease)
  return {tonumber(redis.call('get', KEYS[2])) - reserve + 1}
end
local queued = 0
if mode == 'join' or mode == 'queued' then
  local now = now_micros()
  local entry_ms = tonumber(ARGV[5])
  if mode == 'join' then
    redis.call('zadd', KEYS[3], 'NX', now, owner)
    queued = 1
  elseif redis.call('hget', KEYS[4], owner) then -- the entry and its deadline go together
    queued = 1
  end
  if queued == 1 then
    redis.call('hset', KEYS[4], owner, string.format('%d', math.floor(now / 1000) + entry_ms))
    extend(KEYS[3], entry_ms)
    extend(KEYS[4], entry_ms)
    if string.sub(v, -1) ~= '!' then
      redis.call('set', KEYS[1], v .. '!', 'KEEPTTL')
    end
  end
elseif mode == 'leave' then
  leave_queue()
end
local ttl = redis.call('pttl', KEYS[1])
if ttl < 1 then
  ttl = 1
end
return {-ttl, tonumber(redis.call('get', KEYS[2]) or '0'), queued}
