#!/usr/bin/env bash
# Starts the demo portal: the frontend on http://localhost:3000 and the backend on
# http://localhost:7007. Without AWS configuration it also starts the local AWS emulator on
# 127.0.0.1:4566 (seeding a demo lake on its first start) and points the backend at it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/bootstrap.sh
source "$root/scripts/bootstrap.sh"
cd "$root"

aws_configured() {
  [ -n "${AWS_ACCESS_KEY_ID:-}${AWS_PROFILE:-}${AWS_ROLE_ARN:-}${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ] && return 0
  [ -f app-config.local.yaml ] && grep -qE '^\s*(aws|datalake):' app-config.local.yaml && return 0
  return 1
}

# The demo source: Sakila in the local MariaDB, read by a user with this password.
export DATALAKE_DEMO_MYSQL_PASSWORD="${DATALAKE_DEMO_MYSQL_PASSWORD:-datalake-demo}"
bash scripts/demo-mysql.sh

emulator_pid=""
seed_pid=""
cleanup() {
  if [ -n "$seed_pid" ]; then kill "$seed_pid" 2>/dev/null || true; fi
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT INT TERM

if aws_configured; then
  echo "start: AWS configuration found; the local emulator is not started."
else
  export DATALAKE_AWS_ENDPOINT="${DATALAKE_AWS_ENDPOINT:-http://127.0.0.1:4566}"
  port="${DATALAKE_AWS_ENDPOINT##*:}"
  echo "start: no AWS configuration; starting the local AWS emulator on 127.0.0.1:${port}"
  # The emulator runs at AWS's pace (clock speed 1) and executes the Glue jobs on the local Spark.
  yarn aws-local --port "$port" &
  emulator_pid=$!
  for _ in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:${port}/_aws-local/health" >/dev/null 2>&1 && break
    sleep 0.5
  done
  # The first seed onboards Sakila and runs the pipeline once on Spark, which takes minutes: it
  # runs beside the portal and prints its progress, and the tables fill as their jobs finish.
  yarn aws-local seed --endpoint "$DATALAKE_AWS_ENDPOINT" --if-empty 2>&1 | sed -u 's/^/seed: /' &
  seed_pid=$!
fi

yarn start
