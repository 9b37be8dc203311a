import { type Stack, startStack } from '@mb/gateway/stack';
import { BotApiDouble, enUser, ruUser, textUpdate } from '@mb/testing';

export type RunningStack = {
  stack: Stack;
  api: BotApiDouble;
  targets: Record<'gateway' | 'sheets' | 'assistant', string>;
  close: () => Promise<void>;
};

/** The three services on free ports with a Bot API double, after a little traffic so that labelled series have samples. */
export async function startActiveStack(): Promise<RunningStack> {
  const api = await new BotApiDouble().start();
  const stack = await startStack({ apiRoot: api.url });
  for (const user of [ruUser, enUser]) {
    const res = await stack.post(textUpdate(user, '/start'));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  }
  await api.waitFor(
    () => api.textsTo(ruUser.id).length > 0 && api.textsTo(enUser.id).length > 0,
    10_000,
    'replies to /start',
  );
  await stack.gateway.dispatcher.idle();
  await stack.gateway.webhookInfo.poll();
  const host = (url: string) => new URL(url).host;
  return {
    stack,
    api,
    targets: { gateway: host(stack.gatewayUrl), sheets: host(stack.sheetsUrl), assistant: host(stack.assistantUrl) },
    close: async () => {
      await stack.close();
      await api.close();
    },
  };
}
