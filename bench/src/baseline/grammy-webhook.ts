/**
 * The ingest baseline: a bare grammY `webhookCallback(bot, 'http')` on node:http whose bot only records the update.
 * Run as its own process, like the gateway it is compared with. Env: PORT (0 = free), TELEGRAM_WEBHOOK_SECRET.
 * Prints a pino-style JSON "listening" line with the port, and the number of updates seen on SIGTERM.
 */
import http from 'node:http';
import { Bot, webhookCallback } from 'grammy';

const token = '123456789:AAbaseline-token-never-used-for-calls';
const bot = new Bot(token, {
  botInfo: {
    id: 123456789,
    is_bot: true,
    first_name: 'Baseline',
    username: 'baseline_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  },
});
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
