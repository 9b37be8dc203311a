import { Gauge, type Registry } from 'prom-client';
import type { Workbook } from '../store/workbook.ts';

/** Recipients by state of every broadcast that is sending now (status `sending` in the Broadcasts tab). */
export function sendingBroadcastRecipients(wb: Workbook): Array<{ broadcast: string; state: string; n: number }> {
  return wb.db
    .prepare(
      `SELECT r.broadcast_id AS broadcast, r.state AS state, count(*) AS n
         FROM broadcast_recipients r JOIN "Broadcasts" b ON b.id = r.broadcast_id
        WHERE b.status = 'sending'
        GROUP BY r.broadcast_id, r.state`,
    )
    .all() as Array<{ broadcast: string; state: string; n: number }>;
}

/**
 * `sheets_broadcast_recipients{broadcast, state}`, read at scrape time: the progress of each sending broadcast, from the
 * durable per-recipient rows (so it shows a stuck broadcast even when no gateway sends). Only sending broadcasts are
 * labelled, so the series stay few; a finished broadcast's series disappear.
 */
export function registerBroadcastGauge(registry: Registry, wb: Workbook): void {
  new Gauge({
    name: 'sheets_broadcast_recipients',
    help: 'Recipients of each sending broadcast by state (pending, sending, sent, failed, blocked, unknown, cancelled).',
    labelNames: ['broadcast', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { broadcast, state, n } of sendingBroadcastRecipients(wb)) this.set({ broadcast, state }, n);
    },
  });
}
