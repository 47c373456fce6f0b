#!/usr/bin/env bash
# Installs what is needed (pnpm, Chromium, packages) and runs every test: lint (Biome, knip), build, typecheck,
# unit and HTTP tests, the Playwright flows across the three real services, the static checks of the compose files
# (scripts/check-compose.mjs), docker-compose for real on a Docker engine (scripts/compose-e2e.sh: build, both
# variants, restarts, images), a smoke run of the benchmarks (bench/: no errors, not speed), then the black-box
# conformance suite (docs/security.md).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh --browser
pnpm install --frozen-lockfile
pnpm exec turbo run lint --output-logs=new-only
pnpm exec turbo run build typecheck test --output-logs=new-only
pnpm exec turbo run e2e --output-logs=full
node scripts/check-compose.mjs
bash scripts/compose-e2e.sh
pnpm exec turbo run bench:smoke --output-logs=full
pnpm exec turbo run conformance --output-logs=full
echo "All tests passed."
