-- Extends every lease in KEYS (one hash slot) still owned by its owner value to ARGV[1] ms.
-- ARGV[2..] holds two values per lease: 'x' and the owner value of an exclusive holder, whose
-- lock key is the next key; or 's' and the owner value of a shared holder, whose lock key and
-- readers key are the next two keys (see tokens-and-queue.lua): a reader's entry is extended only
-- if it is still there and alive, and the lock key's and readers key's TTLs only grow. Returns
-- one entry per lease: 1 renewed, 0 no longer ours.
local result = {}
local lease = tonumber(ARGV[1])
local k, now_ms = 1, nil
for a = 2, #ARGV, 2 do
  local owner, key = ARGV[a + 1], KEYS[k]
  local v = redis.call('get', key)
  local renewed = 0
  if ARGV[a] == 'x' then
    if v == owner or v == owner .. '!' then
      redis.call('pexpire', key, ARGV[1])
      renewed = 1
    end
    k = k + 1
  else
    local readers = KEYS[k + 1]
    if v == '~shared' or v == '~shared!' then
      local entry = redis.call('hget', readers, owner)
      if entry then
        if not now_ms then
          local time = redis.call('time')
          now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        end
        local expiry, token = string.match(entry, '^(%d+) (%d+)$')
        if tonumber(expiry) >= now_ms then
          redis.call('hset', readers, owner, string.format('%d %s', now_ms + lease, token))
          for _, held in ipairs({key, readers}) do
            if redis.call('pttl', held) < lease then
              redis.call('pexpire', held, lease)
            end
          end
          renewed = 1
        end
      end
    end
    k = k + 2
  end
  result[#result + 1] = renewed
end
return result
