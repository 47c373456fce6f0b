# One image recipe for the three services; docker-compose.yml picks the app with the APP build argument.
# Build context: the repository root.
FROM node:20-bookworm-slim AS build
ARG APP
RUN npm install -g pnpm@12.4.2
WORKDIR /repo
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm exec turbo run build --filter="@oauth-demo/${APP}" \
 && pnpm prune --prod

FROM node:20-bookworm-slim
ARG APP
ENV NODE_ENV=production HOST=0.0.0.0 DATA_DIR=/data APP=${APP}
COPY --from=build --chown=node:node /repo /repo
RUN mkdir -p /data /secrets && chown node:node /data /secrets
USER node
WORKDIR /repo/apps/${APP}
CMD ["node", "dist/server.js"]
