#!/usr/bin/env bash
# Runs the whole test suite: type check, lint, Prettier, dependency hygiene, the unit and
# integration tests of every package, the backend on PostgreSQL, the benchmarks' smoke run, and a
# browser smoke test of the built portal in Debian's Chromium.
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
unit_tests() {
  local log
  log=$(mktemp)
  env CI=true yarn test:all 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  # Jest's summary, e.g. "Tests:       3 failed, 412 passed, 415 total".
  summary=$(grep -E '^Tests:' "$log" | tail -1)
  rm -f "$log"
  return "$status"
}
summary=""
step "unit and integration tests" unit_tests
step "backend on PostgreSQL with the production config" bash scripts/check-production-backend.sh
step "browser tests" bash scripts/e2e.sh

elapsed=$(($(date +%s) - started))
passed=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$summary")
failures=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$summary")
if [ ${#failed[@]} -gt 0 ]; then
  printf '\nFailed after %ss: %s\n' "$elapsed" "$(IFS=,; echo "${failed[*]}")"
else
  printf '\nAll checks passed in %ss.\n' "$elapsed"
fi
# The closing line: Jest's test counts in the form CI reads.
echo "jest: ${passed:-0} passed, ${failures:-0} failed"
[ ${#failed[@]} -eq 0 ]
