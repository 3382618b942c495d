#!/usr/bin/env bash
# Starts the backend with app-config.production.yaml against the PostgreSQL server on
# 127.0.0.1:5432, waits until every plugin reports ready, checks that the plugins' databases were
# created in PostgreSQL, then stops it and drops those databases.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib-backend.sh
source "$root/scripts/lib-backend.sh"
cd "$root"

export POSTGRES_HOST=${POSTGRES_HOST:-127.0.0.1} POSTGRES_PORT=${POSTGRES_PORT:-5432}
export POSTGRES_USER=${POSTGRES_USER:-postgres} POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-postgres}
prefix="datalake_check_$$_"
export POSTGRES_DATABASE_PREFIX=$prefix
psql_() { PGPASSWORD=$POSTGRES_PASSWORD psql -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres -tAq "$@"; }

log=$(mktemp)
(cd packages/backend && exec yarn start --config ../../app-config.yaml \
  --config ../../app-config.production.yaml) >"$log" 2>&1 &
pid=$!
cleanup() {
  stop_tree "$pid"
  wait "$pid" 2>/dev/null || true
  for db in $(psql_ -c "select datname from pg_database where datname like '${prefix}%'"); do
    psql_ -c "drop database if exists \"$db\"" || true
  done
  rm -f "$log"
}
trap cleanup EXIT

if ! wait_for_url "http://localhost:7007/.backstage/health/v1/readiness" 180; then
  tail -50 "$log"
  exit 1
fi
dbs=$(psql_ -c "select datname from pg_database where datname like '${prefix}%' order by 1")
echo "backend ready on PostgreSQL; plugin databases:"
echo "$dbs" | sed 's/^/  /'
echo "$dbs" | grep -qx "${prefix}catalog" || { echo "no catalog database in PostgreSQL" >&2; exit 1; }
echo "$dbs" | grep -qx "${prefix}scaffolder" || { echo "no scaffolder database in PostgreSQL" >&2; exit 1; }
