#!/usr/bin/env bash
# Installs what the test suites need from the machine when it is missing: kubectl, the real client
# that checks the simulated Kubernetes API. Debian's kubernetes-client provides it.
set -euo pipefail

need_apt=()
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)

if [ ${#need_apt[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing test tools: ${need_apt[*]} (install them, e.g. apt-get install ${need_apt[*]})" >&2
  exit 1
fi
echo "installing test tools: ${need_apt[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
