#!/usr/bin/env bash
# Starts the compose file's `sentinel` profile from local binaries: a primary, a replica and three
# Sentinels (master name `holdfast`). Usage: scripts/start-sentinel.sh [base-port]  (default 6390)
# Then: USE_NEW_LOCKS=true REDIS_URL='redis-sentinel://127.0.0.1:26390,127.0.0.1:26391,127.0.0.1:26392#holdfast' \
#       LOCK_REPLICA_ACKS=1 java -jar examples/target/holdfast-examples.jar
set -euo pipefail
base="${1:-6390}"
root="$(cd "$(dirname "$0")/.." && pwd)/.holdfast-redis/sentinel-$base"
mkdir -p "$root"
command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }
start() { # name port extra-args...
  local name=$1 port=$2; shift 2
  mkdir -p "$root/$name"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$root/$name" --daemonize yes \
    --pidfile "$root/$name/redis.pid" --logfile "$root/$name/redis.log" "$@"
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "$name on port $port did not start; see $root/$name/redis.log" >&2; exit 1
}
start primary "$base" --appendonly yes --appendfsync always --maxmemory-policy noeviction
start replica $((base + 1)) --replicaof 127.0.0.1 "$base" --appendonly yes --maxmemory-policy noeviction
for i in 0 1 2; do
  sport=$((base + 20000 + i))
  mkdir -p "$root/sentinel-$i"
  printf 'port %s\nbind 127.0.0.1\ndir %s\nsentinel monitor holdfast 127.0.0.1 %s 2\nsentinel down-after-milliseconds holdfast 2000\nsentinel failover-timeout holdfast 10000\n' \
    "$sport" "$root/sentinel-$i" "$base" > "$root/sentinel-$i/sentinel.conf"
  redis-server "$root/sentinel-$i/sentinel.conf" --sentinel --daemonize yes \
    --pidfile "$root/sentinel-$i/redis.pid" --logfile "$root/sentinel-$i/redis.log"
done
echo "primary 127.0.0.1:$base, replica :$((base + 1)), sentinels :$((base + 20000))-:$((base + 20002)); stop with scripts/stop-redis.sh"
echo "REDIS_URL=redis-sentinel://127.0.0.1:$((base + 20000)),127.0.0.1:$((base + 20001)),127.0.0.1:$((base + 20002))#holdfast"
