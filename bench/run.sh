#!/usr/bin/env bash
# The load benchmark in one command (README, "Performance"):
#   bench/run.sh [-Dbench.x=y ...]              JMH (engine, request parsing), then the load run
#   bench/run.sh --load-only [-Dbench.x=y ...]  the load run alone
# Builds the service jar, starts it with its own Kafka broker, authentication and audit on, drives
# it over loopback with Gatling (fixed rate, open model) and wrk (saturation, ceiling), and writes
# bench/results/latest.json. Settings are Maven properties passed on, e.g. -Dbench.rate=300.
# BENCH_QUIET_WAIT=600 waits up to 600 s for the 1-minute load average to drop below 1.5 before
# each part (a shared machine); the load average is recorded with every figure either way.
set -euo pipefail
cd "$(dirname "$0")/.."

profiles=benchmarks,bench
modules=services/interaction-engine,services/cds-hooks-service,services/load-bench
if [[ "${1:-}" == "--load-only" ]]; then
  profiles=bench
  modules=services/load-bench
  shift
fi

if ! command -v wrk >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing wrk (Debian package)"
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
  else
    echo "wrk is needed: install it (Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk)" >&2
    exit 1
  fi
fi

quiet_wait=${BENCH_QUIET_WAIT:-0}
if [[ "$profiles" == *benchmarks* && "$quiet_wait" -gt 0 ]]; then
  deadline=$((SECONDS + quiet_wait))
  while awk '{exit !($1 >= 1.5)}' /proc/loadavg && ((SECONDS < deadline)); do
    echo "load average $(cut -d' ' -f1 /proc/loadavg) >= 1.5: waiting for a quiet machine before JMH"
    sleep 15
  done
fi

./mvnw -B -P"$profiles" -pl "$modules" -am verify -DskipTests -Djacoco.skip=true \
  -Dbench.quiet-wait-seconds="$quiet_wait" "$@"
