# One Dockerfile for the three services: the workspace is installed and compiled ONCE, in shared stages, and each
# service is a small runtime target of its own. Build context: the repository root.
#   docker build --target auth-server -t oauth-demo/auth-server .      (also: drive, printer, attacker)
#   docker-compose build                                               (docker-compose.yml names the targets)
#
#   pnpm        the base image + pnpm
#   manifests   only the package.json files, the lockfile and the workspace file (so the stages that install stay
#               cached until a dependency changes, not whenever a source file does)
#   toolchain   + the compilers for the native SQLite addon
#   deps        pnpm install --frozen-lockfile: downloads the packages and compiles better-sqlite3, once
#   compile     tsc, from an install without install scripts: it needs no compiled addon, so BuildKit runs it
#               while `toolchain` and `deps` compile (the two slow parts side by side, not one after the other)
#   build       deps + the sources + compile's output, then `pnpm deploy --prod` of each app to /deploy/<app>:
#               the app's build output and its production dependencies only
#   runtime     the base image, the node user, /data and /secrets; no compiler, no pnpm, no TypeScript source
#   auth-server, drive, printer, attacker   runtime + one deployed app (attacker: Mallory's site, the attack lab)
#
# The base image is a build argument, so a machine that cannot reach Docker Hub can build FROM a local stand-in
# (scripts/docker-base-standin.sh); nothing below depends on that network.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS pnpm
# pnpm, exactly the version package.json's "packageManager" pins (another version refuses the workspace).
RUN npm install -g pnpm@12.4.2 && pnpm --version
ENV TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 CI=true
WORKDIR /repo

FROM pnpm AS manifests
COPY . /src
RUN mkdir /manifests \
 && cd /src \
 && cp --parents package.json pnpm-lock.yaml pnpm-workspace.yaml */package.json */*/package.json /manifests/

FROM pnpm AS toolchain
# better-sqlite3 is a native addon: node-gyp compiles it when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

FROM toolchain AS deps
COPY --from=manifests /manifests/ ./
# Only what the three images need: the root (TypeScript), the apps and the packages they depend on. The test
# suites (e2e's Playwright, bench's load generators) are not installed. JOBS=max: node-gyp compiles SQLite and
# the addon's C++ side by side, on every core.
RUN JOBS=max pnpm install --frozen-lockfile --filter=. --filter="{./apps/*}..."

FROM pnpm AS compile
COPY --from=manifests /manifests/ ./
RUN pnpm install --frozen-lockfile --ignore-scripts --filter=. --filter="{./apps/*}..."
COPY . .
# verify-deps-before-run off: this stage installed only the apps' part of the workspace, without install scripts, on
# purpose. pnpm would otherwise see the other projects (e2e, bench) uninstalled, whenever the copied manifests are
# newer than a cached install layer, and install again, compiling the SQLite addon here without a compiler.
RUN pnpm --config.verify-deps-before-run=false --filter="{./apps/*}..." run build \
 && mkdir /compiled \
 && cp -r --parents apps/*/dist packages/*/dist /compiled/

FROM deps AS build
COPY . .
COPY --from=compile /compiled/ ./
# One deployed folder per app: its package.json "files" (dist, views, assets) and its production
# node_modules, the workspace packages copied in. better-sqlite3 comes from pnpm's store as compiled above
# (its side-effects cache), not compiled again; its sources and object files are left out of the image.
RUN for app in apps/*/; do \
      name=$(basename "$app"); \
      pnpm --filter="./$app" deploy --prod --legacy "/deploy/$name" || exit 1; \
      rm -rf "/deploy/$name"/node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3/deps \
             "/deploy/$name"/node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3/src \
             "/deploy/$name"/node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3/build/Release/obj.target \
             "/deploy/$name"/node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3/build/Release/.deps \
             "/deploy/$name"/node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3/build/Release/test_extension.node; \
    done

# What every service image shares: no compiler, no pnpm, no sources; runs as the unprivileged node user (uid
# 1000, made by the base image). /data (DATA_DIR: databases, the signing key, sessions) and /secrets
# (SHARED_SECRETS_DIR: the client secrets the auth server makes) belong to node and nobody else may read them
# (docs/security.md); a new named volume mounted there takes this owner and mode.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 DATA_DIR=/data SHARED_SECRETS_DIR=/secrets
RUN mkdir -p /data /secrets && chown node:node /data /secrets && chmod 0700 /data /secrets
VOLUME ["/data", "/secrets"]
WORKDIR /app
USER node
CMD ["node", "dist/server.js"]

# The app's files belong to root: the node user can read them, not change them.
FROM runtime AS auth-server
COPY --from=build /deploy/auth-server /app
EXPOSE 9000

FROM runtime AS drive
COPY --from=build /deploy/drive /app
EXPOSE 9001

FROM runtime AS printer
COPY --from=build /deploy/printer /app
EXPOSE 3000

# Mallory's site, the attack lab's attacker: no data, no secrets (docker-compose.yml mounts no volume for it).
FROM runtime AS attacker
COPY --from=build /deploy/attacker /app
EXPOSE 4000
