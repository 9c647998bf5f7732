#!/usr/bin/env bash
# Guards the e2e tool install as a new machine sees it: an empty tools cache, CI set (so a failure fails
# instead of skipping), and run through `npm run check:fresh-tools` so the outer npm's npm_config_*
# variables are in the environment, as they are under `npm test`. Slow (about 3-4 minutes: it builds
# code-server's native modules); the tools are removed afterwards.
set -euo pipefail
dir=$(mktemp -d "${TMPDIR:-/tmp}/consumer-probe-fresh-tools.XXXXXX")
trap 'rm -rf "$dir"' EXIT
[ -n "${npm_config_user_agent:-}" ] || echo "check-fresh-tools: note: not run through npm; the npm_config_* inheritance is not exercised" >&2
start=$(date +%s)
CI=true CONSUMER_PROBE_TOOLS_DIR="$dir" bash "$(dirname "$0")/ensure-vscode-e2e.sh"
for marker in "$dir"/node-*/.consumer-probe-installed "$dir"/code-server-*/.consumer-probe-installed; do
  [ -f "$marker" ] || { echo "check-fresh-tools: FAILED: $marker missing after the install" >&2; exit 1; }
done
echo "check-fresh-tools: OK: Node and code-server installed into an empty cache under npm in $(( $(date +%s) - start )) s"
