#!/usr/bin/env bash
# Installs, from Debian's packages, what the tests start for real:
#   chromium      — the browser tests (test/page.test.ts, playwright-core at /usr/bin/chromium)
#   redis-server  — the broker of the multi-instance tests (test/cluster.test.ts)
# Idempotent: does nothing when both are there. `npm test` runs it first.
# Needs root (CI and the dev machines run as root) or passwordless sudo.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-noto-cjk fonts-liberation)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup-system: missing ${missing[*]} and this is not root; install these Debian packages" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
# The package starts a system Redis on 6379; the tests start their own on free ports.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
/usr/bin/chromium --version
redis-server --version
