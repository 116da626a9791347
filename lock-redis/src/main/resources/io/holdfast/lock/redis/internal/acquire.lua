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
-- lifetime ms, ARGV[6] '1' for a shared request (else exclusive), ARGV[7] grant channel prefix
-- and ARGV[8] claim ms (see grant_next; optional: without them a waiter leaving hands nothing on).
-- Re-sending the same owner value (a retry, a replay after a reconnect, a waiter's
-- refresh after a release granted it the lock) returns the same token and extends the lease.
-- A waiter joins the queue once (its arrival time is its place), refreshes its entry's expiry,
-- and marks the lock so that the holder's release hands it over (see release.lua). The queue
-- keys live as long as their longest-lived entry (a refresh only ever extends their TTL), so a
-- queue whose waiters all died leaves nothing and a short-lease waiter never cuts a long one's
-- entry short; each entry dies by its own deadline (KEYS[4]).
-- A lock that is free takes whoever asks first, queue or not: that happens only when a holder's
-- lease ran out, and the queued waiters then take their turns again from the next release.
-- Shared requests (see tokens-and-queue.lua for the readers): granted when no exclusive owner
-- holds the lock and no live exclusive request waits ahead in the queue (writer preference);
-- each reader gets its own token and entry deadline. An exclusive request finding SHARED is
-- granted only once every reader's entry is gone or dead (dead ones are purged here). A waiter
-- leaving the queue while readers hold grants the shared waiters it was keeping out (writer
-- preference ends with the writer's intent), at once rather than at their next refresh.
local owner, lease, mode, reserve = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local shared = ARGV[6] == '1'
local function leave_queue()
  redis.call('zrem', KEYS[3], owner)
  redis.call('hdel', KEYS[4], owner)
end
local function granted(token)
  if mode == 'queued' or mode == 'leave' then
    leave_queue()
  end
  return {token}
end
-- The value to store for a new holder: marked when processes wait.
local function marked(value)
  if redis.call('zcard', KEYS[3]) > 0 then
    return value .. '!'
  end
  return value
end
-- True when a live exclusive request waits in the queue ahead of this owner.
local function writer_ahead(now_ms)
  for _, queued in ipairs(redis.call('zrange', KEYS[3], 0, -1)) do
    if queued == owner then
      return false
    end
    local expiry, s = entry_of(redis.call('hget', KEYS[4], queued))
    if expiry and expiry >= now_ms and not s then
      return true
    end
  end
  return false
end
if not shared and redis.call('set', KEYS[1], owner, 'NX', 'PX', lease) then
  return granted(next_token(now_micros(), reserve))
end
local v = redis.call('get', KEYS[1])
if v == owner or v == owner .. '!' then
  redis.call('pexpire', KEYS[1], lease)
  return {tonumber(redis.call('get', KEYS[2])) - reserve + 1}
end
local now = now_micros()
local now_ms = math.floor(now / 1000)
local entry_ms = tonumber(ARGV[5])
local retry_ms = nil
if is_shared(v) then
  if shared then
    local entry = redis.call('hget', KEYS[5], owner)
    local expiry, token = string.match(entry or '', '^(%d+) (%d+)$')
    if expiry and tonumber(expiry) >= now_ms then
      redis.call('hset', KEYS[5], owner, string.format('%d %s', now_ms + tonumber(lease), token))
      extend(KEYS[1], lease)
      extend(KEYS[5], lease)
      return granted(tonumber(token))
    end
  end
  local left, soonest = purge_readers(now_ms)
  if left == 0 then
    redis.call('del', KEYS[1])
    v = nil
  end
  retry_ms = soonest
elseif not v then
  redis.call('del', KEYS[5]) -- the lock key outlives every reader's entry: all are dead
end
if not v and not shared then
  leave_queue()
  redis.call('set', KEYS[1], marked(owner), 'PX', lease)
  return {next_token(now, reserve)}
end
if shared and (not v or is_shared(v)) and not writer_ahead(now_ms) then
  leave_queue()
  local token = next_token(now, reserve)
  redis.call('hset', KEYS[5], owner, string.format('%d %d', now_ms + tonumber(lease), token))
  extend(KEYS[5], lease)
  if v then
    extend(KEYS[1], lease)
  else
    redis.call('set', KEYS[1], marked(SHARED), 'PX', lease)
  end
  return {token}
end
local queued = 0
if mode == 'join' or mode == 'queued' then
  if mode == 'join' then
    redis.call('zadd', KEYS[3], 'NX', now, owner)
    queued = 1
  elseif redis.call('hget', KEYS[4], owner) then -- the entry and its deadline go together
    queued = 1
  end
  if queued == 1 then
    local deadline = string.format('%d', now_ms + entry_ms)
    if shared then
      deadline = deadline .. 's'
    end
    redis.call('hset', KEYS[4], owner, deadline)
    extend(KEYS[3], entry_ms)
    extend(KEYS[4], entry_ms)
    if v and string.sub(v, -1) ~= '!' then
      redis.call('set', KEYS[1], v .. '!', 'KEEPTTL')
    end
  end
elseif mode == 'leave' then
  leave_queue()
  if is_shared(v) and ARGV[7] then
    grant_next(now, reserve, ARGV[7], ARGV[8], true)
  end
end
local ttl
if v then
  ttl = redis.call('pttl', KEYS[1])
  if retry_ms and retry_ms < ttl then
    ttl = retry_ms
  end
else
  ttl = math.floor(entry_ms / 3) -- free, but a writer waits ahead: it takes the lock meanwhile
end
if ttl < 1 then
  ttl = 1
end
return {-ttl, tonumber(redis.call('get', KEYS[2]) or '0'), queued}
