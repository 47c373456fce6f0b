#!/usr/bin/env bash
# Makes sure this machine has what the project needs. Idempotent; sourced by start.sh and test.sh.
#   source scripts/setup.sh               pnpm (the pinned version)
#   source scripts/setup.sh --browser     ... and a Chromium for the Playwright tests, and docker-compose
#   source scripts/setup.sh --compose     ... pnpm and docker-compose (scripts/check-compose.mjs)
PNPM_VERSION=12.4.2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1 NO_UPDATE_NOTIFIER=1

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "This project needs Node.js 20 or newer (found: $(node -v 2>/dev/null || echo none))." >&2
  return 1 2>/dev/null || exit 1
fi

# pnpm, exactly the version in package.json (a different one refuses to run the workspace).
if ! command -v pnpm >/dev/null || [ "$(pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
  if [ -x "$ROOT/.tools/node_modules/.bin/pnpm" ]; then
    :
  elif npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1 && [ "$(pnpm -v 2>/dev/null)" = "$PNPM_VERSION" ]; then
    echo "setup: installed pnpm $PNPM_VERSION globally"
  else
    # No permission for a global install (a laptop without sudo): keep pnpm inside the project.
    npm install --prefix "$ROOT/.tools" --no-save --no-package-lock "pnpm@$PNPM_VERSION" >/dev/null
    echo "setup: installed pnpm $PNPM_VERSION in .tools/"
  fi
  if [ -x "$ROOT/.tools/node_modules/.bin/pnpm" ]; then export PATH="$ROOT/.tools/node_modules/.bin:$PATH"; fi
fi

# better-sqlite3 is a native addon. Where no prebuilt binary can be downloaded (offline CI), node-gyp
# builds it against the headers of the system's Node, instead of trying to download them.
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$node_prefix"
fi

if [ "${1:-}" = "--browser" ]; then
  if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then
    :
  elif command -v chromium >/dev/null; then
    export CHROMIUM_PATH="$(command -v chromium)"
  else
    echo "setup: installing Chromium (Debian package) for the browser tests"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    if command -v apt-get >/dev/null; then
      $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
      export CHROMIUM_PATH="$(command -v chromium)"
    else
      echo "setup: no apt-get here. Install Chromium or Chrome and set CHROMIUM_PATH to its binary." >&2
      return 1 2>/dev/null || exit 1
    fi
  fi
fi

# docker-compose (1.x, Debian's package, no Docker engine): validates docker-compose.yml for
# scripts/check-compose.mjs. Installed with --browser (the full test run) or --compose, as root only.
case " $* " in *" --browser "* | *" --compose "*)
  if ! command -v docker-compose >/dev/null; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      echo "setup: installing docker-compose (Debian package, without a Docker engine) to validate docker-compose.yml"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
    else
      echo "setup: docker-compose is missing; scripts/check-compose.mjs needs it:" \
        "sudo apt-get install -y --no-install-recommends docker-compose (no Docker engine is needed)." >&2
    fi
  fi
  ;;
esac
