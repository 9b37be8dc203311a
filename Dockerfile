# One Dockerfile, one small image per service: build with `--target gateway|sheets|assistant` (docker-compose.yml does).
# Each runtime image holds only its service's sources, the shared packages and the production dependencies that
# service needs, runs TypeScript directly on Node 24 (type stripping), and runs as the unprivileged `node` user; only
# /data is writable.
#
# Needs BuildKit: the default since Docker 23 (`docker build`, `docker compose build`); Docker 20.10: DOCKER_BUILDKIT=1;
# docker-compose 1.29: COMPOSE_DOCKER_CLI_BUILD=1 DOCKER_BUILDKIT=1. BuildKit builds only the stages a target needs and
# mounts the optional CA secret. No `# syntax=` line: the builder's own Dockerfile frontend is used, so a build needs
# no image from a registry other than the base.
#
# NODE_IMAGE: any Debian-based Node 24 image with a `node` user (uid 1000); `npm run deploy:smoke` makes one offline.
# Behind a TLS-intercepting proxy: `--secret id=ca,src=/etc/ssl/certs/ca-certificates.crt` (used by npm only).
ARG NODE_IMAGE=node:24-bookworm-slim

# For each service (and the Mini App's build) the lockfile and the manifests of just the workspaces it needs: the
# dependency layers below are rebuilt only when a manifest or the lockfile changes, not on every source edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY package.json package-lock.json ./
COPY packages packages
COPY services services
COPY webapp/package.json webapp/
COPY scripts/docker scripts/docker
RUN node scripts/docker/service-manifests.ts /out services/gateway services/sheets services/assistant webapp+dev \
 && cp scripts/docker/npm-install.sh /out/

# Production dependencies of one service: no dev tools, no peer-only packages (TypeScript), no other service's libraries.
FROM ${NODE_IMAGE} AS deps-sheets
WORKDIR /app
COPY --from=manifests /out/sheets/ ./
RUN --mount=type=bind,from=manifests,source=/out/npm-install.sh,target=/usr/local/bin/npm-install \
    --mount=type=secret,id=ca \
    npm-install @mb/sheets --omit=dev --omit=peer

FROM ${NODE_IMAGE} AS deps-assistant
WORKDIR /app
COPY --from=manifests /out/assistant/ ./
RUN --mount=type=bind,from=manifests,source=/out/npm-install.sh,target=/usr/local/bin/npm-install \
    --mount=type=secret,id=ca \
    npm-install @mb/assistant --omit=dev --omit=peer

FROM ${NODE_IMAGE} AS deps-gateway
WORKDIR /app
COPY --from=manifests /out/gateway/ ./
RUN --mount=type=bind,from=manifests,source=/out/npm-install.sh,target=/usr/local/bin/npm-install \
    --mount=type=secret,id=ca \
    npm-install @mb/gateway --omit=dev --omit=peer

# The Mini App, built with its dev dependencies (Vite); only its dist/ reaches the gateway image.
FROM ${NODE_IMAGE} AS webapp
WORKDIR /app
COPY --from=manifests /out/webapp/ ./
RUN --mount=type=bind,from=manifests,source=/out/npm-install.sh,target=/usr/local/bin/npm-install \
    --mount=type=secret,id=ca \
    npm-install @mb/webapp
COPY tsconfig.base.json ./
COPY packages packages
COPY services/gateway services/gateway
COPY webapp webapp
RUN npm run build --workspace=@mb/webapp

# What every runtime image shares: Node, a writable /data for the SQLite files, the unprivileged user, the health check.
FROM ${NODE_IMAGE} AS runtime
# Allocator settings and heap bounds of every service: packages/service-kit/src/runtime-flags.ts (docs/memory.md).
ENV NODE_ENV=production MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536
WORKDIR /app
RUN mkdir -p /data && chown node:node /data
COPY scripts/docker/healthcheck.mjs /usr/local/bin/healthcheck
COPY packages/contracts packages/contracts
COPY packages/service-kit packages/service-kit
VOLUME ["/data"]

FROM runtime AS sheets
COPY --from=deps-sheets /app/ ./
COPY services/sheets services/sheets
# `npm run backup` / `restore` inside the stack: the compose service `backup` runs this image (docs/deploy.md#backups).
COPY scripts/backup.ts scripts/backup.ts
ENV SHEETS_PORT=8081 SHEETS_DB_PATH=/data/workbook.sqlite BIND_HOST=0.0.0.0
ENV NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=128 --v8-pool-size=1"
EXPOSE 8081
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD healthcheck /readyz
CMD ["node", "services/sheets/src/main.ts"]

FROM runtime AS assistant
COPY --from=deps-assistant /app/ ./
COPY services/assistant services/assistant
ENV ASSISTANT_PORT=8082 ASSISTANT_DB_PATH=/data/assistant.sqlite BIND_HOST=0.0.0.0
ENV NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=80 --v8-pool-size=1"
EXPOSE 8082
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD healthcheck /readyz
CMD ["node", "services/assistant/src/main.ts"]

# Last, so that a plain `docker build .` gives the gateway.
FROM runtime AS gateway
COPY --from=deps-gateway /app/ ./
COPY services/gateway services/gateway
COPY --from=webapp /app/webapp/dist webapp/dist
ENV GATEWAY_PORT=8080 GATEWAY_DB_PATH=/data/gateway.sqlite WEBAPP_DIST=/app/webapp/dist
ENV NODE_OPTIONS="--max-old-space-size=256"
EXPOSE 8080
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD healthcheck /readyz
CMD ["node", "services/gateway/src/main.ts"]
