-- Shared by acquire.lua and release.lua (prepended to both). A lock's keys: KEYS[1] lock (owner
-- value '<ownerId>:<thread>:<epoch ms>:<attempt>:<claim ms>:<lease ms>', the format of the Java
-- type OwnerValue, unique per acquire attempt; a trailing '!' while processes wait in its queue),
-- KEYS[2] fence (the last token reserved; never expires), KEYS[3] queue (sorted set of waiting
-- owner values by arrival), KEYS[4] queue expiries (hash: owner value -> ms after which the
-- entry is dead, followed by 's' for a shared request; waiters refresh theirs), KEYS[5] readers
-- (hash: owner value of each shared holder -> '<ms after which the entry is dead> <token>').
-- While shared holders hold the lock, the lock key holds SHARED (marked '!' like an owner value
-- while processes wait) with a TTL covering every reader's entry, so an exclusive SET NX fails
-- without reading the readers. Lua numbers are doubles, exact below 2^53; values are written
-- with '%d' because tostring() would give exponent notation.
local SHARED = '~shared'
local function is_shared(v)
  return v == SHARED or v == SHARED .. '!'
end
-- Sets the TTL of 'key' to 'ms' unless it already lives longer.
local function extend(key, ms)
  if redis.call('pttl', key) < tonumber(ms) then
    redis.call('pexpire', key, ms)
  end
end
-- A queue entry's deadline (ms) and whether it is a shared request, from its KEYS[4] value.
local function entry_of(raw)
  if not raw then
    return nil, false
  end
  local ms, s = string.match(raw, '^(%d+)(s?)$')
  return tonumber(ms), s == 's'
end
-- Deletes the readers whose entry is dead by 'now_ms' (crashed or cut-off shared holders);
-- returns how many live ones are left and the ms until the first of them ends (nil if none).
-- The readers key is deleted when none is left.
local function purge_readers(now_ms)
  local all = redis.call('hgetall', KEYS[5])
  local left, soonest = 0, nil
  for i = 1, #all, 2 do
    local expiry = tonumber(string.match(all[i + 1], '^%d+'))
    if expiry < now_ms then
      redis.call('hdel', KEYS[5], all[i])
    else
      left = left + 1
      if not soonest or expiry - now_ms < soonest then
        soonest = expiry - now_ms
      end
    end
  end
  if left == 0 and #all > 0 then
    redis.call('del', KEYS[5])
  end
  return left, soonest
end
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
-- Hands a free lock to the oldest live waiter, or to the run of live shared waiters at the head
-- of the queue: pops dead entries on the way (an entry is dead after its own deadline in KEYS[4],
-- whatever the queue key's TTL), and grants each waiter its own claim lease (its process extends
-- it to the full lease): an exclusive waiter gets the lock key, marked when more wait; shared
-- waiters get a readers entry each and the lock key holds SHARED. Every grant takes a new token
-- and publishes '<owner> <token> <lock key>' on the waiter's manager channel (prefix ..
-- ownerId): the waiter accepts it only for that lock and that owner value. Returns the last
-- token granted, or nil when nobody live waits. 'claim' is used only for a waiter of the
-- previous value format. With 'readers_only' (the lock is SHARED and stays so: an exclusive
-- waiter ahead of shared ones left the queue) only the run of live shared waiters at the head is
-- granted, a live exclusive waiter at the head stops it at once, and the lock key's TTL only
-- grows; the lock key is marked or unmarked as processes still wait or not.
local function grant_next(now, reserve, channel_prefix, claim, readers_only)
  local now_ms = math.floor(now / 1000)
  local readers, reader_claim, token = 0, 0, nil
  while true do
    local head = redis.call('zrange', KEYS[3], 0, 0)
    if #head == 0 then
      break
    end
    local owner = head[1]
    local expiry, shared = entry_of(redis.call('hget', KEYS[4], owner))
    local live = expiry and expiry >= now_ms
    if live and not shared and (readers > 0 or readers_only) then
      break -- the writer waits for the readers (just granted, or holding)
    end
    redis.call('zrem', KEYS[3], owner)
    redis.call('hdel', KEYS[4], owner)
    if live then
      token = next_token(now, reserve)
      local owner_claim = tonumber(claim_of(owner, claim))
      redis.call('publish', channel_prefix .. string.match(owner, '^[^:]*'),
        owner .. ' ' .. string.format('%d', token) .. ' ' .. KEYS[1])
      if not shared then
        local value = owner
        if redis.call('zcard', KEYS[3]) > 0 then
          value = owner .. '!'
        end
        redis.call('set', KEYS[1], value, 'PX', owner_claim)
        return token
      end
      redis.call('hset', KEYS[5], owner, string.format('%d %d', now_ms + owner_claim, token))
      readers = readers + 1
      if owner_claim > reader_claim then
        reader_claim = owner_claim
      end
    end
  end
  if readers > 0 or readers_only then
    local value = SHARED
    if redis.call('zcard', KEYS[3]) > 0 then
      value = SHARED .. '!'
    end
    if readers_only then
      redis.call('set', KEYS[1], value, 'KEEPTTL')
      extend(KEYS[1], reader_claim)
    else
      redis.call('set', KEYS[1], value, 'PX', reader_claim)
    end
    if readers > 0 then
      extend(KEYS[5], reader_claim)
    end
  end
  return token
end
