#!/usr/bin/env bash
# The crash test with more kill -9 rounds and calls than CI runs (CI: 20 × 200):
#   bash scripts/crash-soak.sh [kills=50] [calls=200]
set -euo pipefail
cd "$(dirname "$0")/.."
CALLCUE_CRASH_KILLS="${1:-50}" CALLCUE_CRASH_CALLS="${2:-200}" npx vitest run test/crash.test.ts
