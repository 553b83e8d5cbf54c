#!/usr/bin/env bash
# The crash test with more kill -9 rounds than CI runs (default 50): bash scripts/crash-soak.sh [kills]
set -euo pipefail
cd "$(dirname "$0")/.."
CALLCUE_CRASH_KILLS="${1:-50}" npx vitest run test/crash.test.ts
