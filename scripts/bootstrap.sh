#!/usr/bin/env bash
# Installs what the repository needs on a fresh machine, idempotently and in seconds when it is
# all there already: Node 22 (from the npm registry's node@22 package when the machine's Node is
# older), Yarn 4 through corepack, and the workspace's dependencies.
# Usage: source scripts/bootstrap.sh   (or run it; scripts/start.sh and scripts/test.sh call it)
set -euo pipefail
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$_root/scripts/env.sh"
cd "$_root"

# `yarn install` is itself a no-op in a few seconds when node_modules matches the lockfile; CI
# additionally refuses a lockfile that would change.
if [ -n "${CI:-}" ]; then
  yarn install --immutable
else
  yarn install
fi
