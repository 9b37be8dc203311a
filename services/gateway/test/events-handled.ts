import type { createSheetsApp } from '@mb/sheets/app';
import type { createGatewayApp } from '../src/app.ts';
import { waitUntil } from './broadcast-fixtures.ts';

type Settleable = {
  sheets: Pick<ReturnType<typeof createSheetsApp>, 'wb'>;
  gateway: Pick<ReturnType<typeof createGatewayApp>, 'events' | 'dispatcher' | 'desk'>;
};

/**
 * Waits until the gateway has handled every change event emitted so far, its update queue is idle and its staff-chat
 * queue is empty: whatever those events were to send, was sent. Tests wait for this instead of sleeping through a few
 * idle pulls of the feed. A fence event of a type no handler knows (acknowledged, counted as unhandled) is emitted
 * and waited for: the feed is handled in order, so anything the consumer would still do (a replay after a restart
 * included) is done before the fence is acknowledged.
 */
export async function eventsHandled(stack: Settleable, timeoutMs = 10_000): Promise<void> {
  const { wb } = stack.sheets;
  const fence = wb.emit('test.fence', {});
  stack.gateway.events.wake();
  await waitUntil(() => wb.eventsSince('gateway', 1).cursor >= fence, timeoutMs, `the change events up to ${fence}`);
  await stack.gateway.dispatcher.idle();
  await waitUntil(() => stack.gateway.desk.store.counts().pending === 0, timeoutMs, 'the staff-chat queue to drain');
}
