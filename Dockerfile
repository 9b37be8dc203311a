# One Dockerfile, one small image per service: build with `--target gateway|sheets|assistant` (docker-compose.yml does).
# Each runtime image holds only its service's JavaScript (built from the TypeScript in a build stage: no .ts file, no
# TypeScript compiler, no type stripping at start), the shared packages' JavaScript and the production dependencies
# that service needs; it runs `node --conditions=built services/<name>/dist/main.js` as the unprivileged `node` user;
# only /data is writable.
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
      tool:typescript \
 && cp scripts/docker/npm-install.sh /out/

# The stages that install packages start here: Node and scripts/docker/npm-install.sh as `npm-install` (the lockfile's
# versions; the CA secret, which each RUN mounts with `--mount=type=secret,id=ca`, handed to npm). Never a runtime image.
FROM ${NODE_IMAGE} AS npm-install
COPY --from=manifests /out/npm-install.sh /usr/local/bin/npm-install

# Production dependencies of each service, each in its own directory: no dev tools, no peer-only packages
# (TypeScript), no other service's libraries. One stage for the three (each runtime image copies its own directory):
# a target builds all three installs once, and the next targets take them from the build cache.
FROM npm-install AS deps
WORKDIR /deps
COPY --from=manifests /out/ ./
RUN --mount=type=secret,id=ca \
    for service in sheets assistant gateway; do \
      (cd "$service" && npm-install "@mb/$service" --omit=dev --omit=peer) || exit 1; \
    done

# The JavaScript the images run: each workspace's src/ transpiled file by file to dist/ (scripts/build-js.ts, as
# `npm run build` does), and the backup script beside it. Only TypeScript is installed here (the lockfile's version);
# neither it nor any .ts file reaches a runtime image.
FROM npm-install AS build
WORKDIR /build
COPY --from=manifests /out/typescript/ ./
RUN --mount=type=secret,id=ca npm-install .
COPY scripts/build-js.ts scripts/
COPY packages/contracts/src packages/contracts/src
COPY packages/service-kit/src packages/service-kit/src
COPY services/sheets/src services/sheets/src
COPY services/assistant/src services/assistant/src
COPY services/gateway/src services/gateway/src
COPY scripts/backup.ts scripts/backup/src/
RUN for dir in packages/contracts packages/service-kit services/sheets services/assistant services/gateway \
      scripts/backup; do \
      (cd "$dir" && node /build/scripts/build-js.ts) || exit 1; \
    done

# The Mini App, built with its dev dependencies (Vite); only its dist/ reaches the gateway image.
FROM npm-install AS webapp
WORKDIR /app
COPY --from=manifests /out/webapp/ ./
RUN --mount=type=secret,id=ca npm-install @mb/webapp
COPY tsconfig.base.json ./
COPY packages packages
COPY services/gateway services/gateway
COPY webapp webapp
RUN npm run build --workspace=@mb/webapp

# What every runtime image shares: Node, a writable /data for the SQLite files, the unprivileged user, the health check,
# and the shared packages as JavaScript.
FROM ${NODE_IMAGE} AS runtime
# Allocator settings and heap bounds of every service: packages/service-kit/src/runtime-flags.ts (docs/memory.md).
ENV NODE_ENV=production MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536
WORKDIR /app
RUN mkdir -p /data && chown node:node /data
COPY scripts/docker/healthcheck.mjs /usr/local/bin/healthcheck
COPY --from=build /build/packages/contracts/dist packages/contracts/dist
COPY --from=build /build/packages/service-kit/dist packages/service-kit/dist
VOLUME ["/data"]

# Each service: its manifests and production dependencies, then its JavaScript. `--conditions=built` makes the
# workspace packages resolve to their dist/ (their package.json `exports`).
FROM runtime AS sheets
COPY --from=deps /deps/sheets/ ./
COPY --from=build /build/services/sheets/dist services/sheets/dist
# `npm run backup` / `restore` inside the stack: the compose service `backup` runs this image (docs/deploy.md#backups).
COPY --from=build /build/scripts/backup/dist/backup.js scripts/backup.js
ENV SHEETS_PORT=8081 SHEETS_DB_PATH=/data/workbook.sqlite BIND_HOST=0.0.0.0
ENV NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=128 --v8-pool-size=1"
EXPOSE 8081
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD healthcheck /readyz
CMD ["node", "--conditions=built", "services/sheets/dist/main.js"]

FROM runtime AS assistant
COPY --from=deps /deps/assistant/ ./
COPY --from=build /build/services/assistant/dist services/assistant/dist
ENV ASSISTANT_PORT=8082 ASSISTANT_DB_PATH=/data/assistant.sqlite BIND_HOST=0.0.0.0
ENV NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=80 --v8-pool-size=1"
EXPOSE 8082
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD healthcheck /readyz
CMD ["node", "--conditions=built", "services/assistant/dist/main.js"]

# Last, so that a plain `docker build .` gives the gateway.
FROM runtime AS gateway
COPY --from=deps /deps/gateway/ ./
COPY --from=build /build/services/gateway/dist services/gateway/dist
COPY services/gateway/locales services/gateway/locales
COPY --from=webapp /app/webapp/dist webapp/dist
ENV GATEWAY_PORT=8080 GATEWAY_DB_PATH=/data/gateway.sqlite WEBAPP_DIST=/app/webapp/dist
ENV NODE_OPTIONS="--max-old-space-size=256"
EXPOSE 8080
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD healthcheck /readyz
CMD ["node", "--conditions=built", "services/gateway/dist/main.js"]
