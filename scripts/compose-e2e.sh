#!/usr/bin/env bash
# docker-compose, proven on a real Docker engine, the way a user runs it (also: pnpm e2e:compose; npm test runs it).
#
#  1. Installs what is missing (Debian's docker.io, docker-compose, debootstrap, iptables) and starts dockerd when
#     no daemon answers; that daemon, and only that one, is stopped at the end, by its PID.
#  2. The base image: node:20-bookworm-slim when it can be pulled, otherwise a local stand-in built once per
#     machine (scripts/docker-base-standin.sh), passed as the build argument NODE_IMAGE.
#  3. `docker-compose build`, then `up -d` under a project name of its own; waits for the three health checks.
#  4. Playwright against the published ports (http://localhost:3000): the code flow (Allow, with an order that
#     survives `kill -9` of the printer's container) and Deny; then the printer's environment doctor, all green.
#  5. What must survive does survive: the signing key, alice's grant, orders and photos, after
#     `docker-compose restart` and after `down` + `up` (volumes kept); `down -v` forgets them.
#  6. The images: the app runs as the non-root node user; /data and /secrets are the node user's and not readable
#     by others; no compiler, pnpm, TypeScript source or tests in them; each image's size.
#  7. The classroom variant (docker-compose.class.yml), with the same images: compose refuses without
#     INSTRUCTOR_KEY; with CLASS_HOST=class.test (resolved to 127.0.0.1 by the test browser only) the ports are
#     published on every interface, every public URL names class.test, and Allow and Deny work there.
#  Always, even on failure: `down -v`, the images it built removed, the daemon it started stopped.
#
# Traffic: only to the published localhost ports and the compose network of this run.
# Environment: COMPOSE_E2E_PROJECT (default oauthdemoe2e), COMPOSE_E2E_KEEP_IMAGES=1 keeps the images (a second run
# then skips the build; Docker's build cache is kept either way, so a rebuild is fast).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

export COMPOSE_PROJECT_NAME="${COMPOSE_E2E_PROJECT:-oauthdemoe2e}"
export COMPOSE_FILE="docker-compose.yml:docker-compose.override.yml"
# Docker's classic builder output is not needed in the log, BuildKit's plain progress is shorter.
export BUILDKIT_PROGRESS=plain COMPOSE_DOCKER_CLI_BUILD=1 DOCKER_BUILDKIT=1

# `compose-e2e.sh restart-service <testkit service name> <signal>`: how a Playwright spec "crashes" a service of
# this run (testkit's external mode, E2E_EXTERNAL_RESTART). Runs inside the run below, which exported the
# project and files.
if [ "${1:-}" = restart-service ]; then
  case "${2:-}" in auth-server) service=auth ;; drive | printer) service=$2 ;; *) echo "restart-service: unknown service ${2:-}" >&2; exit 2 ;; esac
  docker-compose kill -s "${3:-SIGKILL}" "$service" >/dev/null 2>&1
  docker-compose start "$service" >/dev/null 2>&1
  exit 0
fi

started=$(date +%s)
log() { echo "compose-e2e [$(($(date +%s) - started)) s]: $*"; }
fail() {
  echo "compose-e2e: FAILED: $*" >&2
  exit 1
}
WORK=$(mktemp -d /tmp/oauth-demo-compose-e2e.XXXXXX)
OUR_DOCKERD=""
BUILT=0

cleanup() {
  local code=$?
  set +e
  if [ "$code" -ne 0 ] && [ "$BUILT" = 1 ]; then
    echo "compose-e2e: the containers' last logs:" >&2
    docker-compose logs --no-color --tail=40 >&2 2>/dev/null
  fi
  if docker info >/dev/null 2>&1; then
    local rmi="--rmi local"
    [ "${COMPOSE_E2E_KEEP_IMAGES:-}" = 1 ] && rmi=""
    COMPOSE_FILE="docker-compose.yml:docker-compose.override.yml" docker-compose down -v $rmi --remove-orphans >/dev/null 2>&1
  fi
  # Keep the failed specs' screenshots and traces where a developer (or CI's artifacts) finds them.
  if [ "$code" -ne 0 ] && compgen -G "$WORK/test-results-*" >/dev/null; then
    mkdir -p e2e/test-results && cp -r "$WORK"/test-results-* e2e/test-results/ &&
      echo "compose-e2e: the failed specs' screenshots and traces are in e2e/test-results/test-results-*" >&2
  fi
  if [ -n "$OUR_DOCKERD" ]; then
    kill "$OUR_DOCKERD" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$OUR_DOCKERD" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$OUR_DOCKERD" 2>/dev/null && kill -9 "$OUR_DOCKERD" 2>/dev/null
    echo "compose-e2e: stopped the Docker daemon it started (pid $OUR_DOCKERD)"
  fi
  rm -rf "$WORK"
  [ "$code" -eq 0 ] || echo "compose-e2e: FAILED after $(($(date +%s) - started)) s" >&2
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------
# 1. Tools and the daemon
# ---------------------------------------------------------------------------------------------------------
missing=""
command -v dockerd >/dev/null || missing="$missing docker.io"
command -v docker >/dev/null || missing="$missing docker.io"
command -v docker-compose >/dev/null || missing="$missing docker-compose"
command -v debootstrap >/dev/null || missing="$missing debootstrap"
command -v iptables >/dev/null || missing="$missing iptables"
if [ -n "$missing" ]; then
  [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null || fail "missing:$missing (install them, or run as root on Debian)"
  log "installing$missing (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(echo "$missing" | tr ' ' '\n' | sort -u) >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || fail "no Docker daemon answers, and only root can start one"
  dockerd >"$WORK/dockerd.log" 2>&1 &
  OUR_DOCKERD=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; kill -0 "$OUR_DOCKERD" 2>/dev/null || break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -20 "$WORK/dockerd.log" >&2; fail "dockerd did not start"; }
  log "started a Docker daemon (pid $OUR_DOCKERD); it is stopped at the end"
fi
# docker-compose 1.x builds with the docker CLI (COMPOSE_DOCKER_CLI_BUILD), and the CLI with BuildKit: it skips
# the stages a target does not need, and keeps its build cache when the images are removed. A CLI of version
# 23 or newer needs the buildx plugin for that; Debian's docker.io CLI (20.10) has BuildKit built in.
cli_major=$(docker version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)
if ! docker buildx version >/dev/null 2>&1 && [ "${cli_major:-0}" -ge 23 ]; then
  if [ -x /usr/bin/docker ] && [ "$(/usr/bin/docker version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)" -lt 23 ] 2>/dev/null; then
    mkdir -p "$WORK/bin" && ln -s /usr/bin/docker "$WORK/bin/docker"
    export PATH="$WORK/bin:$PATH"
    log "using Debian's docker CLI (/usr/bin/docker) for BuildKit: $(command -v docker) $(docker version --format '{{.Client.Version}}')"
  else
    export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
    log "no BuildKit here (no buildx): the classic builder builds every stage, slower"
  fi
fi

for port in 3000 9000 9001 4000; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use on this machine; docker-compose.yml publishes it. Stop what uses it (ss -ltnp 'sport = :$port')."
  fi
done

# ---------------------------------------------------------------------------------------------------------
# 2-3. Base image, build, up
# ---------------------------------------------------------------------------------------------------------
NODE_IMAGE=$(bash scripts/docker-base-standin.sh)
export NODE_IMAGE
log "base image: $NODE_IMAGE"

t0=$(date +%s)
BUILT=1
docker-compose build >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; fail "docker-compose build"; }
build_s=$(($(date +%s) - t0))
log "docker-compose build: ${build_s} s; its steps of 5 s or more:"
# BuildKit's plain progress: "#12 [deps 2/2] RUN ..." then "#12 DONE 160.0s"; each step once (the three targets share them).
awk '/^#[0-9]+ \[/ { n = $1; sub(/^#[0-9]+ /, ""); name[n] = $0 }
  /^#[0-9]+ DONE [0-9.]+s$/ { t = $3; sub(/s$/, "", t); if (t + 0 >= 5 && !seen[name[$1]]++) printf "  %6.1f s  %s\n", t, substr(name[$1], 1, 100) }' "$WORK/build.log"

wait_healthy() {
  local deadline=$(($(date +%s) + ${1:-180})) id status all
  while :; do
    all=1
    for service in auth drive printer attacker; do
      id=$(docker-compose ps -q "$service" 2>/dev/null)
      status=$([ -n "$id" ] && docker inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null || echo missing)
      [ "$status" = healthy ] || all=0
    done
    [ "$all" = 1 ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || { docker-compose ps >&2; return 1; }
    sleep 1
  done
}
up() {
  local t=$(date +%s)
  docker-compose up -d --no-build >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; fail "docker-compose up ($*)"; }
  wait_healthy 180 || fail "the four containers did not become healthy ($*)"
  log "up -d to four healthy containers ($*): $(($(date +%s) - t)) s"
}
up "first start"
# docker-compose.yml with its override (what `docker compose up` reads): published on 127.0.0.1 only.
for service in auth drive printer attacker; do
  bindings=$(docker port "$(docker-compose ps -q "$service")")
  if grep -v '^[^ ]* -> 127\.0\.0\.1:' <<<"$bindings" | grep -q .; then fail "$service is published beyond 127.0.0.1: $bindings"; fi
done
log "published on 127.0.0.1 only: $(docker port "$(docker-compose ps -q printer)")"

# ---------------------------------------------------------------------------------------------------------
# 6. The images (checked while they run)
# ---------------------------------------------------------------------------------------------------------
for service in auth drive printer attacker; do
  id=$(docker-compose ps -q "$service")
  image=$(docker inspect -f '{{.Config.Image}}' "$id")
  # One exec per service (each costs a second or more on a busy machine): who runs, the volumes' owner and mode,
  # whether node can write /data, and what must not be in the image: a compiler, pnpm, TypeScript sources or
  # tests, app files the node user could change.
  report=$(docker-compose exec -T "$service" sh -c '
    echo "user $(id -un)"
    stat -c "mode %n %U %a" /data /secrets
    touch /data/.probe && rm /data/.probe && echo "writable /data"
    for tool in gcc g++ cc make python3 pnpm tsc; do command -v "$tool" | sed "s/^/unwanted /"; done
    find /app -path /app/node_modules/.pnpm -prune -o \( -name "*.ts" ! -name "*.d.ts" -o -name src -o -name test -o -name tsconfig.json \) -print | sed "s/^/unwanted /"
    find /app -user node | head -3 | sed "s/^/unwanted owned-by-node /"' | tr -d '\r')
  grep -qx 'user node' <<<"$report" || fail "$service does not run as node: $report"
  grep -qx 'mode /data node 700' <<<"$report" || fail "$service: /data is not node's, mode 700: $report"
  grep -qx 'mode /secrets node 700' <<<"$report" || fail "$service: /secrets is not node's, mode 700: $report"
  grep -qx 'writable /data' <<<"$report" || fail "$service cannot write /data: $report"
  ! grep -q '^unwanted' <<<"$report" || fail "$service: the runtime image holds what it should not: $(grep '^unwanted' <<<"$report" | tr '\n' ' ')"
  size=$(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1000000}')
  log "image $image: user node, /data and /secrets 0700 node, no build tools or sources, $size"
done

# ---------------------------------------------------------------------------------------------------------
# 4. The code flow in Chromium, the doctor
# ---------------------------------------------------------------------------------------------------------
source scripts/setup.sh --browser >/dev/null
playwright() {
  local name=$1
  shift
  local t=$(date +%s)
  E2E_EXTERNAL=1 E2E_EXTERNAL_RESTART="[\"bash\",\"$ROOT/scripts/compose-e2e.sh\",\"restart-service\"]" \
    E2E_PRINTER_PORT=3000 E2E_AUTH_PORT=9000 E2E_DRIVE_PORT=9001 E2E_ATTACKER_PORT=4000 \
    bash -c 'cd e2e && exec node run.mjs "$@"' run "$@" --reporter=list "--output=$WORK/test-results-$name" --timeout=90000 ||
    fail "Playwright ($name) against the containers"
  log "Playwright ($name): $(($(date +%s) - t)) s"
}
doctor() {
  local host=$1 html
  html=$(curl -sS --resolve "$host:3000:127.0.0.1" "http://$host:3000/doctor") || fail "GET the doctor at http://$host:3000"
  if ! grep -q 'data-doctor-summary="ok"' <<<"$html"; then
    grep -o '<tr data-verdict="bad">.*' <<<"$html" | sed 's/<[^>]*>/ /g' | head -10 >&2
    fail "the printer's environment doctor at http://$host:3000 is not all green"
  fi
  log "the environment doctor at http://$host:3000 is all green"
}
# Deny first, so that alice's grant from Allow is still active for the persistence checks.
playwright deny tests/authorization-code.spec.ts --grep "Deny:"
playwright code-flow tests/authorization-code.spec.ts --grep "Allow:"
doctor localhost

# ---------------------------------------------------------------------------------------------------------
# 5. Persistence
# ---------------------------------------------------------------------------------------------------------
# What must survive, read from each service's own database in its container (read-only): the auth server's
# signing keys and alice's grants, the printer's orders, alice's photos at Drive (ids, and every file there).
state() {
  local out
  out=$(
    for service in auth printer drive; do
      docker-compose exec -T -e PROBE="$service" "$service" node --input-type=module - <scripts/compose-state.mjs | tr -d '\r' || echo "$service: probe failed"
    done
  )
  echo "$out"
}
before=$(state)
echo "$before" | sed 's/^/  /'
grep -q '^auth kids=[^ ]' <<<"$before" && grep -q ' alice_grants=.*:active' <<<"$before" && grep -q '^printer orders=[^ ]' <<<"$before" &&
  grep -q '^drive alice_photos=[^ ]' <<<"$before" || fail "the state to check is incomplete (no active grant, order or photo after the code flow?)"

t=$(date +%s)
docker-compose restart >/dev/null 2>&1 || fail "docker-compose restart"
wait_healthy 180 || fail "not healthy after docker-compose restart"
log "docker-compose restart: healthy again in $(($(date +%s) - t)) s"
[ "$(state)" = "$before" ] || { state >&2; fail "something did not survive docker-compose restart"; }
log "after docker-compose restart: the signing key, alice's grant, orders and photos are all still there"

docker-compose down >/dev/null 2>&1 || fail "docker-compose down"
up "after down, volumes kept"
[ "$(state)" = "$before" ] || { state >&2; fail "something did not survive docker-compose down + up"; }
log "after down + up: the signing key, alice's grant, orders and photos are all still there"

docker-compose down -v >/dev/null 2>&1 || fail "docker-compose down -v"
up "after down -v"
after=$(state)
for key in '^auth kids=' ' alice_grants=' '^printer orders=' '^drive alice_photos='; do
  old=$(grep -o "$key[^ ]*" <<<"$before")
  new=$(grep -o "$key[^ ]*" <<<"$after")
  [ "$old" != "$new" ] || fail "down -v did not forget: $new"
done
grep -q ' alice_grants=$' <<<"$after" && grep -q '^printer orders=$' <<<"$after" || { echo "$after" >&2; fail "down -v left grants or orders"; }
log "after down -v: a new signing key, no grant, no order, alice's photos made anew"

# ---------------------------------------------------------------------------------------------------------
# 7. The classroom variant, same images
# ---------------------------------------------------------------------------------------------------------
docker-compose down -v >/dev/null 2>&1
CLASS_FILES="docker-compose.yml:docker-compose.class.yml"
if msg=$(COMPOSE_FILE=$CLASS_FILES CLASS_HOST=class.test INSTRUCTOR_KEY= docker-compose config -q 2>&1); then
  fail "docker-compose.class.yml starts without INSTRUCTOR_KEY"
fi
grep -q 'INSTRUCTOR_KEY' <<<"$msg" || fail "without INSTRUCTOR_KEY, compose refuses but does not say why: $msg"
log "the class variant refuses to start without INSTRUCTOR_KEY: ${msg##*: }"

export COMPOSE_FILE=$CLASS_FILES CLASS_HOST=class.test INSTRUCTOR_KEY="compose-e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
up "class variant, CLASS_HOST=class.test"
for service in auth drive printer; do
  bindings=$(docker port "$(docker-compose ps -q "$service")")
  grep -q '0\.0\.0\.0:' <<<"$bindings" || fail "class variant: $service is not published on every interface: $bindings"
  public=$(docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$(docker-compose ps -q "$service")" | grep -E '^(AUTH|DRIVE|PRINTER)_PUBLIC_URL=' | sort | cut -d= -f2 | tr '\n' ' ')
  [ "$public" = "http://class.test:9000 http://class.test:9001 http://class.test:3000 " ] || fail "class variant: $service's public URLs are $public"
done
issuer=$(curl -sS http://127.0.0.1:9000/.well-known/oauth-authorization-server | node -e 'process.stdin.on("data", (d) => (globalThis.s = (globalThis.s ?? "") + d)).on("end", () => console.log(JSON.parse(globalThis.s).issuer))')
[ "$issuer" = http://class.test:9000 ] || fail "class variant: the issuer is $issuer"
log "class variant: published on every interface, every public URL and the issuer name class.test"
E2E_PUBLIC_HOST=class.test E2E_PUBLIC_HOST_ADDRESS=127.0.0.1 playwright class tests/authorization-code.spec.ts --grep "Allow:|Deny:"
doctor class.test

log "passed: build ${build_s} s, whole run $(($(date +%s) - started)) s"
