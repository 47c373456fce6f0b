#!/usr/bin/env bash
# Installs what is needed (pnpm, Chromium, packages) and runs every test: build, typecheck, unit and HTTP
# tests, then the Playwright flows across the three real services.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh --browser
pnpm install --frozen-lockfile
pnpm exec turbo run build typecheck test --output-logs=new-only
pnpm exec turbo run e2e --output-logs=full
echo "All tests passed."
