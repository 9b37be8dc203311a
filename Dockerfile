# One image for every service (they share the workspace); SERVICE picks the entry point.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/service-kit/package.json packages/service-kit/
COPY packages/testing/package.json packages/testing/
COPY services/gateway/package.json services/gateway/
COPY services/sheets/package.json services/sheets/
COPY services/assistant/package.json services/assistant/
COPY webapp/package.json webapp/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npx turbo run build --filter=@mb/webapp

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
ARG SERVICE=gateway
ENV SERVICE=${SERVICE}
CMD ["sh", "-c", "exec node services/${SERVICE}/src/main.ts"]
