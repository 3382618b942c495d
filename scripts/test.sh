#!/usr/bin/env bash
# Runs the whole test suite: type check, lint, Prettier, dependency hygiene, the unit and
# integration tests of every package, the Spark jobs' tests on the local Spark + Iceberg runtime,
# the backend on PostgreSQL, and the browser tests of the built portal in Debian's Chromium. The
# bootstrap installs and starts what they need first (services, Spark runtime, dependencies).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/bootstrap.sh
source "$root/scripts/bootstrap.sh"
cd "$root"

started=$(date +%s)
failed=()
# Every step runs even when an earlier one failed, so that one run reports every problem.
step() {
  local name=$1
  shift
  printf '\n=== %s (%s)\n' "$name" "$(date +%T)"
  if ! "$@"; then
    failed+=("$name")
    printf '=== FAILED: %s\n' "$name"
  fi
}

step "dependency hygiene" node scripts/check-repo.mjs
step "type check" yarn tsc
step "lint" yarn lint:all
step "prettier" yarn prettier:check
# jest_run LOG_VAR ARGS…: runs Jest over the workspace and keeps its summary line, e.g.
# "Tests:       3 failed, 412 passed, 415 total", in the named variable.
jest_run() {
  local var=$1 log
  shift
  log=$(mktemp)
  env CI=true yarn backstage-cli repo test "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  printf -v "$var" '%s' "$(grep -E '^Tests:' "$log" | tail -1)"
  rm -f "$log"
  return "$status"
}
# The tests that execute Spark (`*.spark.test.ts`) run after the others and one at a time: each
# starts JVMs that would starve the other test files of the machine's two cores.
SPARK_TESTS='\.spark\.test\.tsx?$'
summary=""
step "unit and integration tests" jest_run summary --testPathIgnorePatterns "$SPARK_TESTS"
spark_jest_summary=""
step "Spark job tests (Jest, local Spark + Iceberg)" \
  jest_run spark_jest_summary --testPathPatterns "$SPARK_TESTS" --runInBand
spark_tests() {
  local log
  log=$(mktemp)
  bash scripts/spark-test.sh -ra 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  # pytest's summary, e.g. "==== 1 failed, 3 passed in 25.1s ====".
  spark_summary=$(grep -E '^=+ .*(passed|failed|error).* in [0-9.]+s' "$log" | tail -1)
  rm -f "$log"
  return "$status"
}
spark_summary=""
step "Spark runtime tests (pytest, local Spark + Iceberg)" spark_tests
# The platform team's CDK app synthesises offline (no AWS account, no network), cdk-nag included.
step "CDK synth of infra/" yarn workspace @datalake-portal/infra synth
step "backend on PostgreSQL with the production config" bash scripts/check-production-backend.sh
step "browser tests" bash scripts/e2e.sh

elapsed=$(($(date +%s) - started))
# count WORD SUMMARY: the number before WORD in a runner's summary line, 0 when absent.
count() {
  local n
  n=$(sed -nE "s/.*[^0-9]([0-9]+) $1.*/\\1/p" <<<" $2" | head -1)
  echo "${n:-0}"
}
jest_passed=$(($(count passed "$summary") + $(count passed "$spark_jest_summary")))
jest_failed=$(($(count failed "$summary") + $(count failed "$spark_jest_summary")))
py_passed=$(count passed "$spark_summary")
py_failed=$(($(count failed "$spark_summary") + $(count error "$spark_summary")))
if [ ${#failed[@]} -gt 0 ]; then
  printf '\nFailed after %ss: %s\n' "$elapsed" "$(IFS=,; echo "${failed[*]}")"
else
  printf '\nAll checks passed in %ss.\n' "$elapsed"
fi
echo "jest: $jest_passed passed, $jest_failed failed"
echo "pytest: $py_passed passed, $py_failed failed"
# The closing line: every runner's counts together, in the form CI reads.
echo "tests: $((jest_passed + py_passed)) passed, $((jest_failed + py_failed)) failed"
[ ${#failed[@]} -eq 0 ]
