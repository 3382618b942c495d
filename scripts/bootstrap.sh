#!/usr/bin/env bash
# Installs what the repository needs on a fresh machine, idempotently and in seconds when it is
# all there already: Node 22 (from the npm registry's node@22 package when the machine's Node is
# older), Yarn 4 through corepack, the workspace's dependencies, the PostgreSQL, MariaDB and Redis
# servers (installed from Debian's packages and started: scripts/services.sh), and the Spark +
# Iceberg runtime of our Glue version (scripts/spark-runtime.sh).
# Usage: source scripts/bootstrap.sh   (or run it; scripts/start.sh and scripts/test.sh call it)
set -euo pipefail
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$_root/scripts/env.sh"
cd "$_root"

bash scripts/services.sh
bash scripts/spark-runtime.sh

# `yarn install` is itself a no-op in a few seconds when node_modules matches the lockfile; CI
# additionally refuses a lockfile that would change.
if [ -n "${CI:-}" ]; then
  yarn install --immutable
else
  yarn install
fi
