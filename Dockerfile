# syntax=docker/dockerfile:1
# One Dockerfile, one small image per service: build with `--target gateway|sheets|assistant` (docker-compose.yml does).
# Each runtime image holds only its service's sources, the shared packages and its production dependencies, runs
# TypeScript directly on Node 24 (type stripping), and runs as the unprivileged `node` user; only /data is writable.
ARG NODE_IMAGE=node:24-bookworm-slim

# Every workspace manifest and the lockfile, and nothing else: the dependency layers below are rebuilt only when
# a package.json or the lockfile changes, not on every source edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /out && cp package.json package-lock.json /out/ \
 && find . -name package.json -not -path '*/node_modules/*' -not -path './package.json' -exec cp --parents {} /out/ \;

# Production dependencies of one workspace (no dev tools, no other service's libraries).
FROM ${NODE_IMAGE} AS deps-base
WORKDIR /app
COPY --from=manifests /out/ ./
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

FROM deps-base AS deps-gateway
RUN npm ci --omit=dev --workspace=@mb/gateway --include-workspace-root=false && npm cache clean --force
FROM deps-base AS deps-sheets
RUN npm ci --omit=dev --workspace=@mb/sheets --include-workspace-root=false && npm cache clean --force
FROM deps-base AS deps-assistant
RUN npm ci --omit=dev --workspace=@mb/assistant --include-workspace-root=false && npm cache clean --force

# The Mini App, built with every dev dependency (Vite); only its dist/ reaches the gateway image.
FROM deps-base AS webapp
RUN npm ci --workspace=@mb/webapp --include-workspace-root=false
COPY . /app/
RUN npm run build --workspace=@mb/webapp

# What every runtime image shares: Node, a writable /data for the SQLite files, the unprivileged user.
FROM ${NODE_IMAGE} AS runtime
# Allocator settings and heap bounds of every service: packages/service-kit/src/runtime-flags.ts (docs/memory.md).
ENV NODE_ENV=production MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536
WORKDIR /app
RUN mkdir -p /data && chown node:node /data
COPY package.json ./
COPY packages/contracts packages/contracts
COPY packages/service-kit packages/service-kit
VOLUME ["/data"]

FROM runtime AS sheets
COPY --from=deps-sheets /app/ ./
COPY services/sheets services/sheets
ENV SHEETS_PORT=8081 SHEETS_DB_PATH=/data/workbook.sqlite BIND_HOST=0.0.0.0
ENV NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=128 --v8-pool-size=1"
EXPOSE 8081
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["node", "-e", "fetch('http://127.0.0.1:8081/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "services/sheets/src/main.ts"]

FROM runtime AS assistant
COPY --from=deps-assistant /app/ ./
COPY services/assistant services/assistant
ENV ASSISTANT_PORT=8082 ASSISTANT_DB_PATH=/data/assistant.sqlite BIND_HOST=0.0.0.0
ENV NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=80 --v8-pool-size=1"
EXPOSE 8082
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["node", "-e", "fetch('http://127.0.0.1:8082/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
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
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "services/gateway/src/main.ts"]
