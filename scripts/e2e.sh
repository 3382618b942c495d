#!/usr/bin/env bash
# Browser smoke test: builds the frontend, starts the backend serving it on :7007, and drives it
# with Playwright in Debian's Chromium (installed here when missing; never `playwright install`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib-backend.sh
source "$root/scripts/lib-backend.sh"
cd "$root"

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "e2e: installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then sudo_=""; else sudo_="sudo"; fi
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium >/dev/null
fi

yarn workspace app build

mkdir -p test-results
log=test-results/e2e-backend.log
(cd packages/backend && exec yarn start --config ../../app-config.yaml) >"$log" 2>&1 &
pid=$!
trap 'stop_tree $pid; wait $pid 2>/dev/null || true' EXIT
if ! wait_for_url "http://localhost:7007/.backstage/health/v1/readiness" 180; then
  tail -50 "$log"
  exit 1
fi

yarn playwright test "$@"
