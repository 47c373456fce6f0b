#!/usr/bin/env bash
# Builds a local stand-in for the official `node:20-bookworm-slim` image, for machines that reach the Debian and
# npm registries but not Docker Hub (our CI machines). Once per machine: the result is cached as a Docker image.
#
#   bash scripts/docker-base-standin.sh            prints the image to build FROM (and builds the stand-in if needed)
#
# Prints `node:20-bookworm-slim` when that image is present or can be pulled: then nothing is built, and the
# Dockerfile's default (ARG NODE_IMAGE) is used as on any laptop. Otherwise it prints the stand-in's name,
# `oauth-demo/node:20-bookworm-slim-standin` (a name of ours, so it never pretends to be the official image), and
# builds it first when it does not exist yet:
#   - a minimal Debian bookworm root file system (debootstrap --variant=minbase, with ca-certificates);
#   - this machine's Node.js 20 laid out as the official image lays it out (/usr/local/bin/node, npm and npx,
#     /usr/local/include/node for node-gyp), and the user and group `node` (uid and gid 1000);
#   - this machine's CA bundle, and npm_config_nodedir: node-gyp cannot download Node's headers here, and npm
#     must trust this network's certificates. Both are facts of this network, so they live in the stand-in, not in
#     the project's Dockerfile.
# Needs root, docker (a daemon that answers), debootstrap, and Node.js 20 on the host. Only what goes to stdout is
# the image name; progress goes to stderr.
set -euo pipefail

OFFICIAL=node:20-bookworm-slim
STANDIN=oauth-demo/node:20-bookworm-slim-standin
log() { echo "docker-base-standin: $*" >&2; }

if docker image inspect "$OFFICIAL" >/dev/null 2>&1; then
  echo "$OFFICIAL"
  exit 0
fi
if timeout 60 docker pull -q "$OFFICIAL" >/dev/null 2>&1; then
  log "pulled $OFFICIAL"
  echo "$OFFICIAL"
  exit 0
fi
if docker image inspect "$STANDIN" >/dev/null 2>&1; then
  log "$OFFICIAL cannot be pulled here; using the stand-in $STANDIN built earlier on this machine"
  echo "$STANDIN"
  exit 0
fi

log "$OFFICIAL cannot be pulled here: building the stand-in $STANDIN (once per machine, about 2 minutes)"
[ "$(id -u)" -eq 0 ] || { log "needs root (debootstrap)"; exit 1; }
command -v debootstrap >/dev/null || { log "needs debootstrap (apt-get install -y debootstrap)"; exit 1; }
node_bin=$(readlink -f "$(command -v node)")
node_major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || { log "needs Node.js 20 on this machine to copy into the image (found $("$node_bin" -v))"; exit 1; }
node_prefix=$(dirname "$(dirname "$node_bin")")
npm_dir=$(readlink -f "$(dirname "$(readlink -f "$(command -v npm)")")/..")
headers="$node_prefix/include/node"
[ -f "$headers/node.h" ] || { log "the headers of this machine's Node.js are missing ($headers): node-gyp needs them"; exit 1; }
[ -f "$npm_dir/package.json" ] || { log "cannot find npm's folder ($npm_dir)"; exit 1; }

work=$(mktemp -d /tmp/oauth-demo-standin.XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
start=$(date +%s)
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; log "debootstrap failed"; exit 1; }

# Node, npm, npx and the headers where the official image has them.
install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/include"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
cp -a "$headers" "$rootfs/usr/local/include/node"
# This network's certificates (npm must trust them); the official image trusts the public ones it ships.
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
# Smaller, like the -slim image: no apt lists, docs or caches.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*

tar -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV npm_config_nodedir=/usr/local' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'ENV npm_config_cafile=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  - "$STANDIN" >/dev/null
log "built $STANDIN in $(($(date +%s) - start)) s ($(docker image inspect -f '{{.Size}}' "$STANDIN" | awk '{printf "%d MB", $1/1000000}'))"
echo "$STANDIN"
