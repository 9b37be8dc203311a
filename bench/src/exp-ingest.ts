// temporary experiment (not committed)
import { BENCH_SECRET } from './harness/credentials.ts';
import { startBotApi } from './harness/bot-api.ts';
import { postLoad } from './harness/load.ts';
import { startProcessStack, waitReady } from './harness/stack.ts';
import { enableCpuProfiles } from './harness/processes.ts';
if (process.argv[2] === 'prof') enableCpuProfiles('/tmp/b11/prof');
const botApi = await startBotApi();
const stack = await startProcessStack({ apiRoot: botApi.api.url });
await waitReady(`${stack.gateway.url}/readyz`);
let id = 900_000_000;
const body = () => `{"update_id":${id++},"channel_post":{"message_id":${id},"sender_chat":{"id":-100${id % 1000},"type":"channel","title":"c"},"chat":{"id":-100${id % 1000},"type":"channel","title":"c"},"date":1790000000,"text":"hello world"}}`;
await postLoad({ url: stack.webhookUrl, secret: BENCH_SECRET, connections: 40, seconds: 2, nextBody: body });
const c0 = stack.gateway.cpuSeconds();
const r = await postLoad({ url: stack.webhookUrl, secret: BENCH_SECRET, connections: 40, seconds: 8, nextBody: body });
console.log(r, 'gateway cpu', (stack.gateway.cpuSeconds() - c0) / r.seconds);
await stack.stop();
await botApi.close();
