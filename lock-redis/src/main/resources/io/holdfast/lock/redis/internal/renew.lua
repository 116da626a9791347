-- Extends every lock in KEYS (one hash slot) still owned by the matching value in ARGV[2..] to
-- ARGV[1] ms. Returns one entry per key: 1 renewed, 0 no longer ours.
local result = {}
for i, key in ipairs(KEYS) do
  local owner = ARGV[i + 1]
  local v = redis.call('get', key)
  if v == owner or v == owner .. '!' then
    redis.call('pexpire', key, ARGV[1])
    result[i] = 1
  else
    result[i] = 0
  end
end
return result
