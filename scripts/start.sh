#!/usr/bin/env bash
# Installs what is needed, builds, and starts the three services and Mallory's site (the attack lab). Ctrl-C stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
pnpm install --frozen-lockfile
pnpm exec turbo run build --output-logs=errors-only
exec node scripts/demo.mjs
