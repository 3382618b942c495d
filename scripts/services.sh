#!/usr/bin/env bash
# Installs (from Debian's packages, when missing) and starts (when stopped) the servers the demo
# and the test suite use, with their own commands (no systemd), idempotently: a second run finds
# everything up and returns in about a second.
#
#   127.0.0.1:5432  PostgreSQL 15, trust auth; roles and databases postgres, root, test.
#   127.0.0.1:3306  MariaDB 10.11, CDC-ready: binary log on, ROW, FULL, checksum NONE, server id 1,
#                   one day of retention. The demo's Sakila source and the CDC tests use it.
#   127.0.0.1:3307  MariaDB 10.11, NOT ready for CDC: binary log off, as Debian installs it. The
#                   preflight tests use it to see every blocker reported.
#   127.0.0.1:6379  Redis 7, no persistence: the Backstage cache in tests.
#
# Both MariaDB servers let root in over TCP with an empty password. State lives in Debian's
# default places (/var/lib/postgresql, /var/lib/mysql) and /var/lib/mysql-nocdc.
# Usage: bash scripts/services.sh
set -euo pipefail

if [ "$(id -u)" = 0 ]; then as_root=(); else as_root=(sudo); fi

log() { printf 'services: %s\n' "$*" >&2; }

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port PORT NAME SECONDS
wait_port() {
  local i
  for ((i = 0; i < $3 * 4; i++)); do
    port_open "$1" && return 0
    sleep 0.25
  done
  log "$2 did not open 127.0.0.1:$1 within $3 s"
  return 1
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    log "apt-get update"
    "${as_root[@]}" apt-get update -qq
    apt_updated=1
  fi
  log "installing $*"
  # The packages try to start their servers through systemd, which is absent; that fails
  # harmlessly and the servers are started below with their own commands.
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "$@" >/dev/null
}

missing=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15 postgresql-client-15)
[ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server mariadb-client)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

# --- PostgreSQL 15 --------------------------------------------------------------------------
pg_conf=/etc/postgresql/15/main
if [ ! -d "$pg_conf" ]; then
  "${as_root[@]}" pg_createcluster 15 main >/dev/null
fi
# Trust on loopback, as the tests and the production-config check expect (a development server:
# nothing but this machine reaches it).
if ! grep -q '^# datalake: trust on loopback' "$pg_conf/pg_hba.conf"; then
  "${as_root[@]}" tee "$pg_conf/pg_hba.conf" >/dev/null <<'HBA'
# datalake: trust on loopback (written by scripts/services.sh)
local   all   all                 trust
host    all   all   127.0.0.1/32  trust
host    all   all   ::1/128       trust
local   replication   all                 trust
host    replication   all   127.0.0.1/32  trust
HBA
  if port_open 5432; then "${as_root[@]}" pg_ctlcluster 15 main reload; fi
fi
if ! port_open 5432; then
  log "starting PostgreSQL 15"
  "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect 15 main start
  wait_port 5432 PostgreSQL 30
fi
psql_() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAq "$@"; }
for role in root test; do
  if [ -z "$(psql_ -c "select 1 from pg_roles where rolname = '$role'")" ]; then
    psql_ -c "create role \"$role\" superuser login"
  fi
  if [ -z "$(psql_ -c "select 1 from pg_database where datname = '$role'")" ]; then
    psql_ -c "create database \"$role\" owner \"$role\""
  fi
done
psql_ -c "alter role postgres password 'postgres'" # for clients that insist on sending one

# --- MariaDB 10.11 -----------------------------------------------------------------------------
"${as_root[@]}" install -d -o mysql -g mysql /run/mysqld

# mariadb_start NAME PORT DATADIR [mariadbd options…]: starts a server with its own command line
# (--no-defaults, so that Debian's my.cnf cannot change what the server is).
mariadb_start() {
  local name=$1 port=$2 datadir=$3
  shift 3
  if [ ! -d "$datadir/mysql" ]; then
    log "initialising $name in $datadir"
    "${as_root[@]}" install -d -o mysql -g mysql "$datadir"
    "${as_root[@]}" mariadb-install-db --no-defaults --user=mysql --datadir="$datadir" \
      --auth-root-authentication-method=normal --skip-test-db >/dev/null
  fi
  log "starting $name on 127.0.0.1:$port"
  # setsid: the server outlives this script and the terminal that ran it.
  "${as_root[@]}" setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$datadir" \
    --port="$port" --bind-address=127.0.0.1 --socket="/run/mysqld/$name.sock" \
    --pid-file="/run/mysqld/$name.pid" --log-error="$datadir/error.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --innodb-buffer-pool-size=256M --max-connections=500 "$@" </dev/null >/dev/null 2>&1 &
  wait_port "$port" "$name" 60 || { tail -20 "$datadir/error.log" >&2 || true; return 1; }
}

# root over TCP with an empty password (Debian's root@localhost uses the unix socket only).
mariadb_open_root() {
  local socket=$1
  "${as_root[@]}" mariadb --no-defaults --protocol=SOCKET --socket="$socket" -uroot -e \
    "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;
     CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
     GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
}

mariadb_root_ok() { mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$1" -uroot -e 'select 1' >/dev/null 2>&1; }

# The CDC-ready server: what AWS DMS requires of a MySQL source (binary log in ROW format with
# full row images, no checksums, a server id, and enough retention for the task to catch up).
if ! port_open 3306; then
  mariadb_start mariadb-cdc 3306 /var/lib/mysql \
    --log-bin=mariadb-bin --binlog-format=ROW --binlog-row-image=FULL --binlog-checksum=NONE \
    --server-id=1 --expire-logs-days=1
fi
mariadb_root_ok 3306 || mariadb_open_root /run/mysqld/mariadb-cdc.sock

# The not-ready server: binary logging off, Debian's defaults otherwise.
if ! port_open 3307; then
  mariadb_start mariadb-nocdc 3307 /var/lib/mysql-nocdc --skip-log-bin
fi
mariadb_root_ok 3307 || mariadb_open_root /run/mysqld/mariadb-nocdc.sock

# --- Redis 7 -----------------------------------------------------------------------------------
if ! port_open 6379; then
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --logfile /tmp/datalake-redis.log >/dev/null
  wait_port 6379 Redis 20
fi
