#!/usr/bin/env bash
# Stops every server that scripts/start-redis.sh and scripts/start-sentinel.sh started.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)/.holdfast-redis"
[ -d "$root" ] || { echo "nothing started"; exit 0; }
find "$root" -name redis.pid | while read -r f; do
  pid=$(cat "$f"); kill "$pid" 2>/dev/null && echo "stopped $pid (${f%/redis.pid})"
  rm -f "$f"
done
