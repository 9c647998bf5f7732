#!/usr/bin/env bash
# Installs what the test suites need from the machine when it is missing: kubectl, the real client
# that checks the simulated Kubernetes API (Debian's kubernetes-client), RabbitMQ and Prometheus.
set -euo pipefail

# The real VS Code (code-server), Node 24 and Chromium for test/e2e; skips them (one line) when they
# cannot be installed outside CI.
bash "$(dirname "$0")/ensure-vscode-e2e.sh"

need_apt=()
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
# A real RabbitMQ (run as throwaway nodes by test/helpers/rabbitmq.ts). Outside CI, when it cannot be
# installed, the real-broker tests skip and say why.
if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  if [ -n "${CI:-}" ] || { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }; then
    need_apt+=(rabbitmq-server)
  else
    echo "note: rabbitmq-server is not installed; the real-broker tests will be skipped" >&2
  fi
fi

# A real Prometheus and promtool (test/helpers/prometheus.ts runs throwaway servers that scrape
# `consumer-probe serve`; promtool checks the exposition and the alert rules). Outside CI, when it cannot
# be installed, those tests skip and say why.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  if [ -n "${CI:-}" ] || { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }; then
    need_apt+=(prometheus)
  else
    echo "note: prometheus is not installed; the Prometheus tests will be skipped" >&2
  fi
fi

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
# The tests run their own Prometheus servers; a packaged service that systemd started is not wanted.
if [[ " ${need_apt[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
