#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer for a set time (README, "Reliability"):
#   bench/fuzz.sh TARGET [DURATION]    fuzz one target, e.g. bench/fuzz.sh parser-bytes 5m (default 5m)
#   bench/fuzz.sh minimize TARGET      fold the inputs fuzzing found into the committed corpus, minimized
#   bench/fuzz.sh list                 the targets
# Every build already runs each target's committed corpus (regression mode); this looks for new
# inputs. New inputs go to MODULE/.cifuzz-corpus/CLASS/METHOD/ (git-ignored); an input that breaks an
# invariant is written to the committed corpus (src/test/resources/.../CLASSInputs/METHOD/crash-*),
# the run fails and prints it, and every build replays it from then on. Fuzz one target at a time.
# Needs only a JDK 17+: the Maven wrapper fetches Maven and Jazzer.
set -euo pipefail
cd "$(dirname "$0")/.."

targets="parser-bytes parser-mutations mapping engine http-bytes http-mutations"

target() {
  case "$1" in
    parser-bytes) echo "services/cds-hooks-service org.ketaminecds.cds.hooks.HookRequestReaderFuzzTest anyBytes" ;;
    parser-mutations) echo "services/cds-hooks-service org.ketaminecds.cds.hooks.HookRequestReaderFuzzTest mutatedRequests" ;;
    mapping) echo "services/cds-hooks-service org.ketaminecds.cds.fhir.FhirMappingFuzzTest mappingNeverFails" ;;
    engine) echo "services/interaction-engine org.ketaminecds.engine.InteractionEngineFuzzTest evaluationNeverFailsAndIsDeterministic" ;;
    http-bytes) echo "services/cds-hooks-service org.ketaminecds.cds.fuzz.HookEndpointsFuzzTest anyBody" ;;
    http-mutations) echo "services/cds-hooks-service org.ketaminecds.cds.fuzz.HookEndpointsFuzzTest mutatedBodies" ;;
    *) echo "unknown target '$1'; one of: $targets" >&2; exit 2 ;;
  esac
}

usage() {
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

fuzz() {
  local name=$1 duration=$2 module class method
  read -r module class method <<<"$(target "$name")"
  local log="$module/target/fuzz-$name.log"
  mkdir -p "$module/target"
  echo "fuzzing $class#$method for $duration (log: $log)"
  local status=0 started
  started=$(mktemp)
  JAZZER_FUZZ=1 ./mvnw -B -pl "$module" -am test \
    -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djacoco.skip=true -Dspotless.check.skip=true -Djazzer.hooks=true \
    -Djazzer.max_duration="$duration" >"$log" 2>&1 || status=$?
  local corpus="$module/.cifuzz-corpus/$class/$method"
  echo "--- $name: libFuzzer's last report"
  grep -E '^#[0-9]+' "$log" | tail -1 || true
  grep -E '^Done [0-9]+ runs' "$log" | tail -1 || true
  echo "generated corpus: $(find "$corpus" -type f 2>/dev/null | wc -l) inputs in $corpus"
  local inputs
  inputs="$module/src/test/resources/$(dirname "${class//.//}")/$(basename "${class//.//}")Inputs/$method"
  local found
  found=$(find "$inputs" -maxdepth 1 -name 'crash-*' -newer "$started" 2>/dev/null)
  rm -f "$started"
  if [[ -n "$found" ]]; then
    echo "new crashing inputs (now in the committed corpus, replayed by every build):"
    echo "$found"
  else
    echo "no crashing input found"
  fi
  if ((status != 0)); then
    echo "the fuzz run failed (exit $status): see $log" >&2
    grep -E 'FuzzerSecurityIssue|AssertionError|Exception|== Java Exception' "$log" | head -20 >&2 || true
  fi
  return "$status"
}

# libFuzzer's merge: keeps the inputs that together reach every edge of our code that the committed
# and the generated corpus reach (edges, not hit counts, so the committed corpus stays small).
minimize() {
  local name=$1 module class method
  read -r module class method <<<"$(target "$name")"
  local inputs
  inputs="$module/src/test/resources/$(dirname "${class//.//}")/$(basename "${class//.//}")Inputs/$method"
  local generated="$module/.cifuzz-corpus/$class/$method"
  mkdir -p "$inputs" "$generated"
  local cp_file="$module/target/fuzz-classpath.txt"
  ./mvnw -B -q -pl "$module" -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=test \
    -Djacoco.skip=true -Dspotless.check.skip=true
  local merged
  merged=$(mktemp -d)
  # Hand-written seeds and crash reproducers stay as they are, under their names.
  find "$inputs" -maxdepth 1 -type f \( -name 'seed-*' -o -name 'crash-*' \) -exec cp {} "$merged" \;
  (cd "$module" && java -cp "target/test-classes:target/classes:$(cat target/fuzz-classpath.txt)" \
    com.code_intelligence.jazzer.Jazzer --target_class="$class" --target_method="$method" \
    --instrumentation_includes='org.ketaminecds.**' \
    -merge=1 -use_counters=0 "$merged" "$PWD/${inputs#"$module"/}" "$PWD/${generated#"$module"/}") \
    >"$module/target/fuzz-minimize-$name.log" 2>&1
  grep -E '^MERGE-OUTER: [0-9]+ new files' "$module/target/fuzz-minimize-$name.log" || true
  find "$inputs" -maxdepth 1 -type f -delete
  cp "$merged"/* "$inputs"/
  rm -rf "$merged"
  echo "$name: $(find "$inputs" -type f | wc -l) inputs, $(du -sh "$inputs" | cut -f1) in $inputs"
}

case "${1:-}" in
  "" | -h | --help) usage ;;
  list) echo "$targets" | tr ' ' '\n' ;;
  minimize) [[ -n "${2:-}" ]] || usage; minimize "$2" ;;
  *) fuzz "$1" "${2:-5m}" ;;
esac
