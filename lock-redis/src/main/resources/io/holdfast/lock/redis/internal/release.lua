-- Releases the lock only if ARGV[1] owns it; returns 0 if not ours, 1 if released, 2 if handed to
-- the oldest live waiter (see grant_next). ARGV[1] owner value, ARGV[2] '1' to also leave the
-- queue (an abandoned acquire), ARGV[3] tokens to reserve, ARGV[4] grant channel prefix,
-- ARGV[5] claim ms for a waiter whose value does not name its own.
-- A value that is not ours (our lease was lost and another owner took the lock, or the acquire
-- being abandoned never got it) is not touched at all: neither its value nor its remaining TTL.
-- While the lock is SHARED, ARGV[1] may be a reader: its entry is deleted (a dead one counts as
-- not ours), dead readers are purged, and the last reader to leave deletes the lock key and, if
-- processes wait, hands the lock on like an exclusive owner. An abandoned acquire (ARGV[2] '1')
-- that leaves the queue while readers hold grants the shared waiters it was keeping out.
if ARGV[2] == '1' then
  redis.call('zrem', KEYS[3], ARGV[1])
  redis.call('hdel', KEYS[4], ARGV[1])
end
local v = redis.call('get', KEYS[1])
if v == ARGV[1] then
  redis.call('del', KEYS[1])
  return 1
end
if v == ARGV[1] .. '!' then
  redis.call('del', KEYS[1])
  if grant_next(now_micros(), tonumber(ARGV[3]), ARGV[4], ARGV[5]) then
    return 2
  end
  return 1
end
if is_shared(v) then
  local entry = redis.call('hget', KEYS[5], ARGV[1])
  if not entry then
    if ARGV[2] == '1' then
      grant_next(now_micros(), tonumber(ARGV[3]), ARGV[4], ARGV[5], true)
    end
    return 0
  end
  redis.call('hdel', KEYS[5], ARGV[1])
  local now = now_micros()
  local now_ms = math.floor(now / 1000)
  local mine = tonumber(string.match(entry, '^%d+')) >= now_ms
  if purge_readers(now_ms) == 0 then
    redis.call('del', KEYS[1])
    if string.sub(v, -1) == '!' then
      grant_next(now, tonumber(ARGV[3]), ARGV[4], ARGV[5])
    end
  end
  if mine then
    return 1
  end
end
return 0
