#!/usr/bin/env bash
# Starts a standalone redis-server for the demos, like the compose file's `redis` service, from the
# local binary (no Docker). Usage: scripts/start-redis.sh [port]   (default 6380)
# Then: USE_NEW_LOCKS=true REDIS_URL=redis://127.0.0.1:6380 java -jar examples/target/holdfast-examples.jar
set -euo pipefail
port="${1:-6380}"
dir="$(cd "$(dirname "$0")/.." && pwd)/.holdfast-redis/standalone-$port"
mkdir -p "$dir"
command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
  --appendonly yes --appendfsync always --maxmemory-policy noeviction
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$port" ping >/dev/null
echo "redis on 127.0.0.1:$port (data and log in $dir); stop with scripts/stop-redis.sh"
echo "REDIS_URL=redis://127.0.0.1:$port"
