-- Releases the lock only if ARGV[1] owns it; returns 0 if not ours, 1 if released, 2 if handed to
-- the oldest live waiter (see grant_next). ARGV[1] owner value, ARGV[2] '1' to also leave the
-- queue (an abandoned acquire), ARGV[3] tokens to reserve, ARGV[4] grant channel prefix,
-- ARGV[5] claim ms, ARGV[6] the lease to restore when the value is another owner's whose lease
-- cannot be read from it.
-- GETDEL reads and deletes in one command; a value that is not ours (our lease was lost and
-- another owner took the lock) is put back at once with its owner's full lease, as a renewal
-- would have set it.
if ARGV[2] == '1' then
  redis.call('zrem', KEYS[3], ARGV[1])
  redis.call('hdel', KEYS[4], ARGV[1])
end
local v = redis.call('getdel', KEYS[1])
if v == ARGV[1] then
  return 1
end
if v == ARGV[1] .. '!' then
  if grant_next(now_micros(), tonumber(ARGV[3]), ARGV[4], ARGV[5]) then
    return 2
  end
  return 1
end
if v then
  redis.call('set', KEYS[1], v, 'PX', string.match(v, ':(%d+)!?$') or ARGV[6])
end
return 0
