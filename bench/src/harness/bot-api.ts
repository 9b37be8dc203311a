import { type BotApiCall, BotApiDouble } from '@mb/testing/bot-api-double';

/**
 * The Bot API double from packages/testing, on real HTTP, for load: `onCall` sees every call as it arrives, and the
 * double's call log is emptied every second so a long run does not grow the bench process.
 */
export async function startBotApi(
  onCall: (call: BotApiCall) => void = () => undefined,
): Promise<{ api: BotApiDouble; calls: () => number; close: () => Promise<void> }> {
  const api = await new BotApiDouble().start();
  let count = 0;
  api.script((call) => {
    count++;
    onCall(call);
    return undefined;
  });
  const trim = setInterval(() => {
    api.calls.length = 0;
  }, 1000);
  return {
    api,
    calls: () => count,
    close: async () => {
      clearInterval(trim);
      await api.close();
    },
  };
}
