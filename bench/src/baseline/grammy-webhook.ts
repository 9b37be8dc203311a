/**
 * The ingest baseline: a bare grammY `webhookCallback(bot, 'http')` on node:http whose bot only records the update.
 * Run as its own process, like the gateway it is compared with. Env: PORT (0 = free), TELEGRAM_WEBHOOK_SECRET.
 * Prints a pino-style JSON "listening" line with the port, and the number of updates seen on SIGTERM.
 */
import http from 'node:http';
import { testBotInfo } from '@mb/testing/credentials';
import { Bot, webhookCallback } from 'grammy';

const token = '123456789:AAbaseline-token-never-used-for-calls';
const bot = new Bot(token, { botInfo: testBotInfo(token, { first_name: 'Baseline', username: 'baseline_bot' }) });
let seen = 0;
let lastUpdateId = 0;
bot.use((ctx) => {
  seen++;
  lastUpdateId = ctx.update.update_id;
});

const secret = process.env['TELEGRAM_WEBHOOK_SECRET'];
const server = http.createServer(webhookCallback(bot, 'http', secret ? { secretToken: secret } : {}));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(
    JSON.stringify({
      level: 30,
      msg: 'baseline listening',
      port: typeof address === 'object' && address ? address.port : 0,
    }),
  );
});
process.once('SIGTERM', () => {
  console.log(JSON.stringify({ level: 30, msg: 'baseline stopped', seen, lastUpdateId }));
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
