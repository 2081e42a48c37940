#!/usr/bin/env bash
# The soak in one command (README, "Reliability"):
#   bench/soak.sh [-Dbench.soak-minutes=10] [-Dbench.soak-rate=100]
# Builds the service jar, starts it with its own Kafka broker, authentication and audit on, calls it
# at a steady rate (Gatling, open model) for the given minutes, and after each minute records the
# heap left after a full collection, live threads, open file descriptors and resident memory.
# Writes bench/results/soak.json. Needs only a JDK 17+ (jcmd) and Linux (/proc).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -Psoak -pl services/cds-hooks-service,services/load-bench -am verify -DskipTests \
  -Djacoco.skip=true "$@"
