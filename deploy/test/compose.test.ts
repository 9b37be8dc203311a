import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEPLOY_DIR, ROOT_DIR } from '../src/rule-files.ts';

// The file's structure, checked without Docker; `npm run deploy:smoke` (deploy/smoke/run.ts) builds and runs it.
type Healthcheck = { test: string[] | string; interval?: string; timeout?: string; retries?: number };
type Service = {
  build?: { context: string; dockerfile: string; target?: string };
  image?: string;
  command?: string[] | string;
  container_name?: string;
  hostname?: string;
  restart?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
};
type Compose = { name?: string; services: Record<string, Service>; volumes: Record<string, unknown> };

const composeText = readFileSync(`${ROOT_DIR}docker-compose.yml`, 'utf8');
const compose = parse(composeText, { merge: true }) as Compose;
const dockerfile = readFileSync(`${ROOT_DIR}Dockerfile`, 'utf8');
const APP = ['gateway', 'sheets', 'assistant'] as const;
/** Set per replica by the gateway's start command (from the container's host name), not from the environment. */
const PER_REPLICA = ['GATEWAY_DB_PATH', 'GATEWAY_REPLICA_ID'];

/**
 * What the gateway's start command exports in a container whose host name is `hostname`: the command is run by sh as
 * compose would (`$$` → `$`), with a `node` on the PATH that prints the variables instead of starting the gateway.
 */
function replicaEnv(hostname: string): Record<string, string> {
  const command = compose.services['gateway']!.command;
  if (!Array.isArray(command) || command[0] !== 'sh' || command[1] !== '-c')
    throw new Error('the gateway command is not ["sh", "-c", …]');
  const dir = mkdtempSync(join(tmpdir(), 'mb-compose-'));
  try {
    writeFileSync(
      join(dir, 'node'),
      '#!/bin/sh\necho "GATEWAY_REPLICA_ID=$GATEWAY_REPLICA_ID"\necho "GATEWAY_DB_PATH=$GATEWAY_DB_PATH"\necho "ARGS=$*"\n',
    );
    chmodSync(join(dir, 'node'), 0o755);
    const out = execFileSync('sh', ['-c', command[2]!.replaceAll('$$', '$')], {
      env: { PATH: `${dir}:/usr/bin:/bin`, HOSTNAME: hostname },
      encoding: 'utf8',
    });
    return Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The balancer's nginx site, without comments. */
const nginxConf = readFileSync(`${DEPLOY_DIR}nginx/gateway.conf`, 'utf8').replace(/#.*$/gm, '');

/** The keys of service-kit's `serviceEnv` (NODE_ENV, INTERNAL_TOKEN, LOG_LEVEL), which a schema spreads in. */
const SERVICE_ENV_KEYS = [
  ...(
    /export const serviceEnv = \{([^}]*)\}/.exec(
      readFileSync(`${ROOT_DIR}packages/service-kit/src/env.ts`, 'utf8'),
    )?.[1] ?? ''
  ).matchAll(/([A-Z][A-Z0-9_]+):/g),
].map((m) => m[1]!);

/** The variables a service's env.ts reads: the keys of its zod schema, with `...serviceEnv`'s. */
function envKeys(service: string): string[] {
  const source = readFileSync(`${ROOT_DIR}services/${service}/src/env.ts`, 'utf8');
  const own = [...source.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
  return [...new Set([...own, ...(source.includes('...serviceEnv') ? SERVICE_ENV_KEYS : [])])];
}

/** Dockerfile stages: name → the lines of the stage. */
function stages(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of dockerfile.split('\n')) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.set(from[1] ?? `stage${out.size}`, (current = []));
    current.push(line);
  }
  return out;
}

describe('docker-compose.yml', () => {
  it('runs the three services (the gateway as webhook and handlers), the balancer, Redis, Prometheus, Alertmanager and Grafana, each restarted and health-checked', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'alertmanager',
      'assistant',
      'backup',
      'balancer',
      'gateway',
      'gateway-handler',
      'grafana',
      'prometheus',
      'redis',
      'sheets',
    ]);
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.restart, `${name} restart`).toMatch(/^(unless-stopped|always)$/);
      expect(s.healthcheck?.test, `${name} healthcheck`).toBeTruthy();
      expect(s.image ?? s.build, `${name} image or build`).toBeTruthy();
      // A command string run by the container's shell: podman-compose mangles `CMD` lists with inline code.
      expect(typeof s.healthcheck?.test, `${name} healthcheck is one command line`).toBe('string');
    }
    for (const service of APP) expect(compose.services[service]!.healthcheck!.test).toBe('healthcheck /readyz');
  });

  it('is read by docker-compose 1.29 as well as by the compose plugin: no top-level name', () => {
    expect(compose.name).toBeUndefined();
    expect(composeText).not.toMatch(/^name:/m);
  });

  it('keeps each SQLite file on a named volume at /data, and declares every named volume', () => {
    const paths = { gateway: 'GATEWAY_DB_PATH', sheets: 'SHEETS_DB_PATH', assistant: 'ASSISTANT_DB_PATH' } as const;
    for (const service of APP) {
      const s = compose.services[service]!;
      const path =
        service === 'gateway' ? replicaEnv('0123456789ab')['GATEWAY_DB_PATH'] : s.environment?.[paths[service]];
      expect(path, `${service} ${paths[service]}`).toMatch(/^\/data\/[\w-]+\.sqlite$/);
      expect(s.volumes ?? [], `${service} volumes`).toContain(`${service}-data:/data`);
    }
    const named = Object.values(compose.services)
      .flatMap((s) => s.volumes ?? [])
      .map((v) => v.split(':')[0]!)
      .filter((v) => !v.startsWith('.') && !v.startsWith('/') && !v.startsWith('$'));
    for (const v of named) expect(Object.keys(compose.volumes), `volume ${v} declared`).toContain(v);
  });

  it('passes through every environment variable each service reads', () => {
    for (const service of APP) {
      const env = compose.services[service]!.environment ?? {};
      const missing = envKeys(service).filter(
        (k) => !(k in env) && !(service === 'gateway' && PER_REPLICA.includes(k)),
      );
      expect(missing, `${service}: variables its env.ts reads but docker-compose.yml does not pass`).toEqual([]);
    }
  });

  it('uses only well-formed ${VAR}, ${VAR:-default} and ${VAR:?message} substitutions, and requires the secrets', () => {
    // `$${…}` is an escaped dollar for the container's shell, not a compose substitution.
    const subs = [...composeText.matchAll(/(?<!\$)\$\{[^}]*\}/g)].map((m) => m[0]);
    expect(subs.length).toBeGreaterThan(10);
    for (const sub of subs) expect(sub).toMatch(/^\$\{[A-Z_][A-Z0-9_]*(?::?[-?][^}]*)?\}$/);
    expect(compose.services['gateway']!.environment!['INTERNAL_TOKEN']).toMatch(/^\$\{INTERNAL_TOKEN:\?/);
    // Without a token the gateway would start the sandbox; compose is production, so the token is required.
    expect(compose.services['gateway']!.environment!['TELEGRAM_BOT_TOKEN']).toMatch(/^\$\{TELEGRAM_BOT_TOKEN:\?/);
    expect(compose.services['gateway']!.environment!['TELEGRAM_WEBHOOK_SECRET']).toMatch(
      /^\$\{TELEGRAM_WEBHOOK_SECRET:\?/,
    );
    for (const service of APP) expect(compose.services[service]!.environment!['NODE_ENV']).toBe('production');
    expect(compose.services['gateway']!.environment!['SANDBOX']).toBe('off');
    expect(compose.services['grafana']!.environment!['GF_SECURITY_ADMIN_PASSWORD']).toMatch(
      /^\$\{GRAFANA_ADMIN_PASSWORD:\?/,
    );
  });

  it('starts services after what they depend on, waiting for health where there is a health check', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(compose.services[dep], `${name} depends on ${dep}`).toBeDefined();
        if (condition === 'service_healthy') expect(compose.services[dep]!.healthcheck, `${dep} health`).toBeDefined();
      }
    }
    expect(Object.keys(compose.services['gateway']!.depends_on ?? {}).sort()).toEqual(['assistant', 'redis', 'sheets']);
  });

  it('lets the gateway scale: no fixed host port or name, Redis shared, each replica its own name and SQLite file', () => {
    const gateway = compose.services['gateway']!;
    expect(gateway.ports, 'a fixed host port would stop a second replica from starting').toBeUndefined();
    expect(gateway.container_name, 'container names must be unique').toBeUndefined();
    expect(gateway.hostname, 'the host name names the replica').toBeUndefined();
    for (const k of PER_REPLICA)
      expect(gateway.environment ?? {}, `${k} from .env would be the same for every replica`).not.toHaveProperty(k);
    expect(gateway.environment!['REDIS_URL']).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]+\}@redis:6379$/);

    const [a, b] = [replicaEnv('3f9c2a1b7d4e'), replicaEnv('a81d0c5e92f3')];
    expect(a).toEqual({
      GATEWAY_REPLICA_ID: '3f9c2a1b7d4e',
      GATEWAY_DB_PATH: '/data/gateway-3f9c2a1b7d4e.sqlite',
      ARGS: '--conditions=built services/gateway/dist/main.js',
    });
    expect(b['GATEWAY_DB_PATH']).not.toBe(a['GATEWAY_DB_PATH']);
    // The gateway's env.ts accepts a container id as the replica name.
    const replicaRule = /GATEWAY_REPLICA_ID: z\s*\.string\(\)\s*\.regex\(\/(.+?)\/,/.exec(
      readFileSync(`${ROOT_DIR}services/gateway/src/env.ts`, 'utf8'),
    )![1]!;
    expect(new RegExp(replicaRule).test(a['GATEWAY_REPLICA_ID']!)).toBe(true);
  });

  it('runs the webhook and the handlers as two services of one image, scaled on their own, sharing the Redis inbox', () => {
    const webhook = compose.services['gateway']!;
    const handler = compose.services['gateway-handler']!;
    expect(webhook.environment!['GATEWAY_ROLE']).toBe('webhook');
    expect(handler.environment!['GATEWAY_ROLE']).toBe('handler');
    expect(handler.image).toBe(webhook.image);
    expect(handler.command).toEqual(webhook.command);
    expect(handler.ports).toBeUndefined();
    expect(handler.container_name).toBeUndefined();
    const { GATEWAY_ROLE: _w, ...webhookRest } = webhook.environment!;
    const { GATEWAY_ROLE: _h, ...handlerRest } = handler.environment!;
    expect(handlerRest, 'the same configuration but the role').toEqual(webhookRest);
    expect(Object.keys(handler.depends_on ?? {}).sort()).toEqual(['assistant', 'redis', 'sheets']);
  });

  it('publishes only the balancer for the gateway; it spreads requests over every replica by the service name', () => {
    const balancer = compose.services['balancer']!;
    expect(balancer.image).toMatch(/^nginx:1\.\d+/);
    expect(balancer.ports).toEqual(['127.0.0.1:${GATEWAY_PUBLISH_PORT:-8080}:8080']);
    expect(balancer.volumes).toEqual(['./deploy/nginx/gateway.conf:/etc/nginx/conf.d/default.conf:ro']);
    expect(balancer.depends_on).toEqual({ gateway: { condition: 'service_healthy' } });
    expect(balancer.healthcheck!.test).toBe('curl -fsS -o /dev/null http://127.0.0.1:8080/healthz');
    // Besides the balancer only Prometheus and Grafana are published, and those on loopback.
    const published = Object.entries(compose.services)
      .filter(([, s]) => s.ports?.length)
      .map(([name]) => name)
      .sort();
    expect(published).toEqual(['alertmanager', 'balancer', 'grafana', 'prometheus']);
    for (const s of Object.values(compose.services)) for (const p of s.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);

    const port = compose.services['gateway']!.environment!['GATEWAY_PORT'];
    expect(nginxConf).toMatch(/^\s*listen 8080;/m);
    expect(nginxConf).toMatch(/^\s*resolver 127\.0\.0\.11 valid=\d+s/m); // Docker's DNS, asked again as replicas come and go
    // Any nginx from 1.18 (Debian's 1.22 in the smoke): no upstream `resolve` (1.27.3+); a variable proxy_pass is
    // resolved at request time through the resolver instead, over every replica's address.
    expect(nginxConf).not.toMatch(/\bresolve\b/);
    const location = /location \/ \{([^}]*)\}/.exec(nginxConf)![1]!;
    const target = /^\s*set \$(\w+) http:\/\/gateway:(\d+);/m.exec(location)!;
    expect(target[2]).toBe(port);
    expect(location).toContain(`proxy_pass $${target[1]};`);
    expect(location).toContain('proxy_http_version 1.1;');
    expect(location).toContain(
      'proxy_set_header X-Telegram-Bot-Api-Secret-Token $http_x_telegram_bot_api_secret_token;',
    );
    expect(location).toContain('proxy_set_header Authorization $http_authorization;');
    expect(location).not.toMatch(/non_idempotent|proxy_pass_request_headers off/); // a POST is never sent to two replicas
    expect(location).toContain('proxy_buffering off;'); // the assistant's streamed answer
    expect(nginxConf).toMatch(/location = \/metrics \{\s*return 404;/);
  });

  it('protects Redis with a password that every client URL carries, and its health check uses', () => {
    const redis = compose.services['redis']!;
    const command = redis.command as string[];
    const password = command[command.indexOf('--requirepass') + 1];
    expect(password).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    expect(redis.environment!['REDISCLI_AUTH']).toBe(password);
    for (const service of ['gateway', 'assistant'])
      expect(compose.services[service]!.environment!['REDIS_URL']).toBe(`redis://:${password}@redis:6379`);
  });

  it('runs Prometheus without the unauthenticated lifecycle API (/-/quit, /-/reload)', () => {
    expect(compose.services['prometheus']!.command).not.toContain('--web.enable-lifecycle');
  });

  it('lets Prometheus scrape exactly the compose services on their ports, with the rule files mounted', () => {
    const prom = compose.services['prometheus']!;
    expect(prom.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    type Job = {
      job_name: string;
      static_configs?: Array<{ targets: string[] }>;
      dns_sd_configs?: Array<{ names: string[]; type: string; port: number }>;
    };
    const config = parse(readFileSync(`${DEPLOY_DIR}prometheus/prometheus.yml`, 'utf8')) as {
      rule_files: string[];
      scrape_configs: Job[];
    };
    for (const f of config.rule_files) expect(existsSync(`${DEPLOY_DIR}prometheus/${f}`), f).toBe(true);
    // Static targets, or (for a service that scales out) every address its name resolves to, on the service's port.
    const targets = Object.fromEntries(
      config.scrape_configs.map((j) => [
        j.job_name,
        [
          ...(j.static_configs ?? []).flatMap((c) => c.targets),
          ...(j.dns_sd_configs ?? []).flatMap((d) => d.names.map((n) => `${n}:${d.port}`)),
        ],
      ]),
    );
    const portVar = { gateway: 'GATEWAY_PORT', sheets: 'SHEETS_PORT', assistant: 'ASSISTANT_PORT' } as const;
    for (const service of APP)
      expect(targets[service]).toEqual([
        `${service}:${compose.services[service]!.environment![portVar[service]]}`,
        ...(service === 'gateway'
          ? [`gateway-handler:${compose.services['gateway-handler']!.environment!['GATEWAY_PORT']}`]
          : []),
      ]);
    // The gateway scales out: each replica must be its own target, found through Docker's DNS.
    expect(config.scrape_configs.find((j) => j.job_name === 'gateway')?.dns_sd_configs?.[0]).toMatchObject({
      names: ['gateway', 'gateway-handler'],
      type: 'A',
    });
  });

  it('sends alerts to the compose Alertmanager, which reads its configuration and the bot token secret', () => {
    const config = parse(readFileSync(`${DEPLOY_DIR}prometheus/prometheus.yml`, 'utf8')) as {
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    };
    expect(config.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual(['alertmanager:9093']);
    const am = compose.services['alertmanager']!;
    expect(am.volumes).toEqual(
      expect.arrayContaining(['./deploy/alertmanager:/etc/alertmanager:ro', './secrets:/run/secrets/marketingbot:ro']),
    );
    expect(am.environment!['ALERTMANAGER_TELEGRAM_TOKEN_FILE']).toBe(
      '/run/secrets/marketingbot/alertmanager-telegram-token',
    );
  });

  it('backs up every service volume nightly with the sheets image, which carries the backup script', () => {
    const backup = compose.services['backup']!;
    expect(backup.image).toBe(compose.services['sheets']!.image);
    expect(stages().get('sheets')!.join('\n')).toContain(
      'COPY --from=build /build/scripts/backup/dist/backup.js scripts/backup.js',
    );
    expect(backup.command).toEqual(['sh', '-c', expect.stringContaining('node scripts/backup.js backup /backups')]);
    for (const service of APP) {
      const mount = backup.volumes!.find((v) => v.startsWith(`${service}-data:`))!;
      const dir = mount.split(':')[1]!;
      const path = backup.environment![`${service.toUpperCase()}_DB_PATH`]!;
      expect(path.startsWith(`${dir}/`), `${service}: ${path} on ${mount}`).toBe(true);
    }
    expect(backup.volumes).toContain('./backups:/backups');
    expect(backup.environment!['BACKUP_KEEP']).toMatch(/^\$\{BACKUP_KEEP:-\d+\}$/);
  });

  it('provisions Grafana with the Prometheus datasource and every dashboard', () => {
    const grafana = compose.services['grafana']!;
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
        './deploy/grafana/dashboards:/etc/grafana/dashboards:ro',
      ]),
    );
    const ds = parse(readFileSync(`${DEPLOY_DIR}grafana/provisioning/datasources/prometheus.yml`, 'utf8')) as {
      datasources: Array<{ uid: string; url: string; type: string }>;
    };
    expect(ds.datasources[0]).toMatchObject({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' });
    const provider = parse(readFileSync(`${DEPLOY_DIR}grafana/provisioning/dashboards/marketingbot.yml`, 'utf8')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(provider.providers[0]!.options.path).toBe('/etc/grafana/dashboards');
    const files = readdirSync(`${DEPLOY_DIR}grafana/dashboards`)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files).toEqual(['assistant.json', 'business.json', 'overview.json', 'sheets.json', 'telegram.json']);
    for (const f of files) {
      const d = JSON.parse(readFileSync(`${DEPLOY_DIR}grafana/dashboards/${f}`, 'utf8')) as {
        uid: string;
        panels: Array<{ datasource?: { uid: string } }>;
      };
      expect(d.uid).toMatch(/^mb-/);
      for (const p of d.panels) if (p.datasource) expect(p.datasource.uid, `${f} datasource`).toBe('prometheus');
    }
  });
});

describe('Dockerfile', () => {
  it('is multi-stage with a target per service that compose builds', () => {
    const all = stages();
    expect(all.size).toBeGreaterThan(4);
    for (const service of APP) {
      expect(all.has(service), `stage ${service}`).toBe(true);
      expect(compose.services[service]!.build).toMatchObject({
        context: '.',
        dockerfile: 'Dockerfile',
        target: service,
      });
    }
  });

  it('runs every service as the unprivileged node user, its built JavaScript, with only production dependencies', () => {
    const all = stages();
    for (const service of APP) {
      const lines = all.get(service)!;
      const user = lines.findIndex((l) => /^USER\s+node\s*$/.test(l));
      const cmd = lines.findIndex((l) => l.startsWith('CMD '));
      expect(user, `${service} USER node`).toBeGreaterThan(-1);
      expect(cmd, `${service} CMD after USER`).toBeGreaterThan(user);
      // As serviceEntry(service, true) in runtime-flags.ts: what `npm start` in production and the bench run.
      expect(lines[cmd]).toBe(`CMD ["node", "--conditions=built", "services/${service}/dist/main.js"]`);
      expect(lines).toContain(`COPY --from=deps /deps/${service}/ ./`);
      expect(lines).toContain(`COPY --from=build /build/services/${service}/dist services/${service}/dist`);
    }
    // Only each service's production dependencies (npm itself ignores --workspace when choosing what to install).
    const deps = all.get('deps')!.join('\n');
    expect(deps).toContain('for service in sheets assistant gateway; do');
    expect(deps).toContain('npm-install "@mb/$service" --omit=dev --omit=peer');
    // Nothing after the last USER switches back to root.
    expect(dockerfile.split('\n').filter((l) => /^USER\s+(root|0)\b/.test(l))).toEqual([]);
  });

  it('puts no TypeScript in a runtime image: its JavaScript comes from the build stage, TypeScript stays there', () => {
    const all = stages();
    for (const stage of ['runtime', ...APP]) {
      const copies = all.get(stage)!.filter((l) => l.startsWith('COPY '));
      for (const copy of copies) {
        const from = /--from=(\S+)/.exec(copy)?.[1];
        const source = copy.split(/\s+/).filter((w) => !w.startsWith('--'))[1]!;
        if (from === 'build') expect(source, copy).toMatch(/\/dist(\/[\w-]+\.js)?$/);
        else if (from === 'deps') expect(source, copy).toMatch(/^\/deps\/\w+\/$/);
        else if (from === 'webapp') expect(source, copy).toBe('/app/webapp/dist');
        else {
          expect(from, copy).toBeUndefined();
          expect(source, copy).toMatch(/^(scripts\/docker\/healthcheck\.mjs|services\/gateway\/locales)$/);
        }
      }
    }
    const build = all.get('build')!.join('\n');
    expect(build).toContain('COPY --from=manifests /out/typescript/ ./');
    expect(build).toContain('node /build/scripts/build-js.ts');
    expect(all.get('manifests')!.join('\n')).toContain('tool:typescript');
  });

  it('is given a context without node_modules, databases, .git or .env', () => {
    const ignore = readFileSync(`${ROOT_DIR}.dockerignore`, 'utf8').split('\n');
    for (const entry of ['node_modules', '**/node_modules', '.git', 'data', '**/*.sqlite', '.env'])
      expect(ignore).toContain(entry);
  });
});
