#!/usr/bin/env bash
# Runs the whole test suite: type check, lint, Prettier, dependency hygiene, the unit and
# integration tests of every package, the backend on PostgreSQL, the benchmarks' smoke run, and a
# browser smoke test of the built portal in Debian's Chromium.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/bootstrap.sh
source "$root/scripts/bootstrap.sh"
cd "$root"

step() { printf '\n=== %s (%s)\n' "$1" "$(date +%T)"; }
started=$(date +%s)

step "dependency hygiene"
node scripts/check-repo.mjs

step "type check"
yarn tsc

step "lint"
yarn lint:all

step "prettier"
yarn prettier:check

step "unit and integration tests"
CI=true yarn test:all

step "backend on PostgreSQL with the production config"
bash scripts/check-production-backend.sh

step "browser smoke test"
bash scripts/e2e.sh

printf '\nAll checks passed in %ss.\n' "$(( $(date +%s) - started ))"
