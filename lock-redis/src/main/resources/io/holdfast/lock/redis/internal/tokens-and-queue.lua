-- Shared by acquire.lua and release.lua (prepended to both). A lock's keys: KEYS[1] lock (owner
-- value '<ownerId>:<thread>:<epoch ms>:<attempt>:<claim ms>:<lease ms>', the format of the Java
-- type OwnerValue, unique per acquire attempt; a trailing '!' while processes wait in its queue),
-- KEYS[2] fence (the last token reserved; never expires), KEYS[3] queue (sorted set of waiting
-- owner values by arrival), KEYS[4] queue expiries (hash: owner value -> ms after which the
-- entry is dead; waiters refresh theirs). Lua numbers are doubles, exact below 2^53; values are
-- written with '%d' because tostring() would give exponent notation.
local function now_micros()
  local time = redis.call('time')
  return tonumber(time[1]) * 1000000 + tonumber(time[2])
end
-- A new fencing token: max(previous token + 1, server time in microseconds), so tokens keep
-- increasing when Redis loses the counter (restart without persistence, a replica promoted before
-- it got the latest grants) unless the server clock steps back. Reserves 'reserve' tokens: the
-- k-th thread of the holder's process that takes the lease over uses token + k. SET ... GET
-- stores the time and reads the previous token in one command; only when the previous token is
-- not below the time is it raised to previous + 1.
local function next_token(now, reserve)
  local previous = tonumber(redis.call('set', KEYS[2], string.format('%d', now + reserve - 1), 'GET'))
  if previous and previous >= now then
    redis.call('set', KEYS[2], string.format('%d', previous + reserve))
    return previous + 1
  end
  return now
end
-- The claim lease of an owner value: the waiter's own (its value names it), so that the waiter,
-- which trusts its own claim, never trusts a longer one than Redis set; 'default' for a value of
-- the previous format (no claim field).
local function claim_of(owner, default)
  return string.match(owner, '^[^:]+:%d+:%d+:%d+:(%d+):%d+$') or default
end
-- Hands a free lock to the oldest live waiter: pops dead entries on the way (an entry is dead
-- after its own deadline in KEYS[4], whatever the queue key's TTL), sets the lock to the waiter
-- for the waiter's claim lease (its process extends it to the full lease), marked when more
-- wait, and publishes '<owner> <token> <lock key>' on the waiter's manager channel (prefix ..
-- ownerId): the waiter accepts it only for that lock and that owner value. Returns the token, or
-- nil when nobody live waits. 'claim' is used only for a waiter of the previous value format.
local function grant_next(now, reserve, channel_prefix, claim)
  local now_ms = math.floor(now / 1000)
  while true do
    local head = redis.call('zpopmin', KEYS[3])
    if #head == 0 then
      return nil
    end
    local owner = head[1]
    local expiry = tonumber(redis.call('hget', KEYS[4], owner))
    redis.call('hdel', KEYS[4], owner)
    if expiry and expiry >= now_ms then
      local token = next_token(now, reserve)
      local value = owner
      if redis.call('zcard', KEYS[3]) > 0 then
        value = owner .. '!'
      end
      redis.call('set', KEYS[1], value, 'PX', claim_of(owner, claim))
      redis.call('publish', channel_prefix .. string.match(owner, '^[^:]*'),
        owner .. ' ' .. string.format('%d', token) .. ' ' .. KEYS[1])
      return token
    end
  end
end
