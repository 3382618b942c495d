#!/usr/bin/env bash
# Prepares the demo's MySQL source on the local MariaDB (127.0.0.1:3306): loads the Sakila fixture
# from ../shared/fixtures into database `sakila` when it is missing, and creates the user the demo
# source connects with (SELECT and the replication privileges DMS needs). Idempotent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixtures="${DATALAKE_SAKILA_DIR:-$root/../shared/fixtures/mysql/sakila}"
user=datalake_demo
password="${DATALAKE_DEMO_MYSQL_PASSWORD:?set DATALAKE_DEMO_MYSQL_PASSWORD}"
client=(mariadb --protocol=tcp -h 127.0.0.1 -P 3306 -u root)

if ! command -v mariadb >/dev/null || ! "${client[@]}" -e 'select 1' >/dev/null 2>&1; then
  echo "demo-mysql: no MariaDB/MySQL on 127.0.0.1:3306 with root access; the demo source will be unreachable" >&2
  exit 0
fi

if ! "${client[@]}" -N -e "show databases like 'sakila'" | grep -qx sakila; then
  if [ ! -f "$fixtures/sakila-schema.sql" ]; then
    echo "demo-mysql: $fixtures has no Sakila fixture; skipping" >&2
    exit 0
  fi
  echo "demo-mysql: loading the Sakila fixture into database sakila"
  # MariaDB skips MySQL 5.7 version comments, which hold the GEOMETRY column address.location.
  sed -E 's#/\*!50705 (.*)\*/#\1#' "$fixtures/sakila-schema.sql" | "${client[@]}"
  sed -E 's#/\*!50705 (.*)\*/#\1#' "$fixtures/sakila-data.sql" | "${client[@]}"
fi

"${client[@]}" <<SQL
CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '${password}';
ALTER USER '${user}'@'%' IDENTIFIED BY '${password}';
GRANT SELECT ON sakila.* TO '${user}'@'%';
GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO '${user}'@'%';
SQL
