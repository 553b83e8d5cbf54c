#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the browser tests
# (test/page.test.ts drives it with playwright-core at /usr/bin/chromium).
# Idempotent: does nothing when /usr/bin/chromium is already there.
# Needs root (CI and the dev machines run as root) or passwordless sudo.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --version 2>/dev/null || true
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "setup-chromium: /usr/bin/chromium is missing and this is not root; install Debian's chromium package" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-noto-cjk fonts-liberation
/usr/bin/chromium --version
