#!/usr/bin/env bash
# Runs lock-redis's Redis conformance suite on the Lettuce, Netty and Micrometer versions that each
# supported Spring Boot line manages (the compat-* profiles of pom.xml). lock-redis is compiled
# once against the default (newest) versions, as it is published, and only its tests run on each
# profile's versions, so a method missing from an older Lettuce fails here as it would in an
# application. The default versions are covered by the README's test command.
# Usage: scripts/compat.sh [profile...]   (default: every compat-* profile)
set -euo pipefail
cd "$(dirname "$0")/.."
profiles=("$@")
if [ ${#profiles[@]} -eq 0 ]; then
  profiles=(compat-boot-3.5.0 compat-boot-3.5.7 compat-boot-4.0.7)
fi
# the conformance suite, the replay filter, and the start-up path (client creation, probes,
# messages, LockService with RedisOptions)
tests='*ConformanceIT,ReplayFilterTest,LockServiceRedisIT,ConnectFailuresIT'
common=(-B -pl lock-redis -am -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
  -Dsurefire.failIfNoSpecifiedTests=false)

echo "compat: compiling lock-redis against the default versions"
mvn -q "${common[@]}" -DskipTests test-compile
failed=()
for p in "${profiles[@]}"; do
  echo "compat: $p ($tests)"
  if ! mvn "${common[@]}" -P "$p" -Dmaven.main.skip=true -Dtest="$tests" test; then
    failed+=("$p")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "compat: FAILED on ${failed[*]}"
  exit 1
fi
echo "compat: passed on ${profiles[*]}"
