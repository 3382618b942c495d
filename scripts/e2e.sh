#!/usr/bin/env bash
# Browser tests of the demo portal: builds the frontend, prepares the demo MySQL source, starts a
# local AWS emulator (on its own port and state, so that a running demo is left alone) and seeds
# it, starts the backend serving the built frontend on :7007, and drives it with Playwright in
# Debian's Chromium (installed here when missing; never `playwright install`).
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
export DATALAKE_DEMO_MYSQL_PASSWORD=${DATALAKE_DEMO_MYSQL_PASSWORD:-datalake-demo}
bash scripts/demo-mysql.sh

pids=()
cleanup() {
  for pid in "${pids[@]}"; do stop_tree "$pid"; done
  wait 2>/dev/null || true
  rm -rf "${state_dir:-}"
}
trap cleanup EXIT

aws_port=${E2E_AWS_PORT:-4577}
state_dir=$(mktemp -d)
export DATALAKE_AWS_ENDPOINT="http://127.0.0.1:${aws_port}"
# As in scripts/start.sh: AWS's pace, Glue jobs executed on the local Spark; the seed's first
# pipeline execution fills the lake before the browser tests look at it.
node packages/aws-local/bin/aws-local --port "$aws_port" --state-dir "$state_dir" \
  >test-results/e2e-aws-local.log 2>&1 &
pids+=($!)
wait_for_url "$DATALAKE_AWS_ENDPOINT/_aws-local/health" 60
yarn aws-local seed --endpoint "$DATALAKE_AWS_ENDPOINT"

(cd packages/backend && exec yarn start --config ../../app-config.yaml) \
  >test-results/e2e-backend.log 2>&1 &
pids+=($!)
if ! wait_for_url "http://localhost:7007/.backstage/health/v1/readiness" 180; then
  tail -50 test-results/e2e-backend.log
  exit 1
fi

yarn playwright test "$@"
