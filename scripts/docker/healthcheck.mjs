#!/usr/bin/env node
// The images' health check: `healthcheck.mjs PATH` asks the service in this container (its port from the
// environment) and exits 0 on a 2xx answer. A script rather than a `CMD` list with inline JavaScript, which some
// compose implementations (podman-compose) mangle.
const path = process.argv[2] ?? '/readyz';
// biome-ignore lint/suspicious/noUndeclaredEnvVars: each image sets its service's port (Dockerfile ENV), not turbo
const port = process.env.GATEWAY_PORT ?? process.env.SHEETS_PORT ?? process.env.ASSISTANT_PORT;
if (!port) {
  console.error('healthcheck: none of GATEWAY_PORT, SHEETS_PORT, ASSISTANT_PORT is set');
  process.exit(2);
}
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2500) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  (error) => {
    console.error(`healthcheck: ${error.message}`);
    process.exit(1);
  },
);
