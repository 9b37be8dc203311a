import { TEST_SECRET } from './credentials.ts';

/**
 * Posts an update to a gateway's webhook (`${gatewayUrl}/telegram/webhook`) as Telegram does: the update as JSON, the
 * secret in `x-telegram-bot-api-secret-token`. A refused connection rejects, as fetch does.
 */
export function postUpdate(gatewayUrl: string, update: unknown, secret: string = TEST_SECRET): Promise<Response> {
  return fetch(`${gatewayUrl}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(update),
  });
}
