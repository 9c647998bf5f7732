#!/usr/bin/env bash
# Runs a command without the environment that an outer `npm run`/`npm test` exports.
#
# npm passes its whole configuration to scripts as npm_config_* variables (and run-script state as
# npm_lifecycle_*, npm_package_*, npm_execpath, NODE, INIT_CWD, plus node_modules/.bin on PATH). A nested
# `npm i` takes those variables as its own configuration: npm_config_user_agent names the *outer* Node,
# and code-server's postinstall reads the Node version from it, so it refuses to install under `npm test`
# although Node 24 is first on PATH. The nested npm still reads ~/.npmrc and the global npmrc itself.
#
# Usage: clean-npm-env.sh COMMAND [ARGS...]
set -euo pipefail

unset_args=()
while IFS= read -r name; do
  case "$name" in
    npm_* | NPM_* | NODE | INIT_CWD) unset_args+=(-u "$name") ;;
  esac
done < <(compgen -e)

# Drop the PATH entries npm prepends for scripts (the project's node_modules/.bin and its node-gyp shim).
clean_path=$(printf '%s' "${PATH:-}" | tr ':' '\n' | grep -v -e '/node_modules/\.bin$' -e '/node-gyp-bin$' | paste -sd: -)

exec env "${unset_args[@]}" PATH="$clean_path" "$@"
