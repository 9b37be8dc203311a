import { createServiceClient } from '@mb/service-kit';
import { describe, expect, it } from 'vitest';
import type { SheetsRouter } from '../src/router-type.ts';
import { INTERNAL, useSyncedSheets } from './sync-harness.ts';

const t = useSyncedSheets();
const snapshotIds = (tab: string) =>
  (t.app.wb.db.prepare('SELECT id FROM sheet_rows WHERE tab = ? ORDER BY id').all(tab) as Array<{ id: string }>).map(
    (r) => r.id,
  );

describe('rows a manager deletes in the Sheet (the snapshot walked row by row, changed after the walk)', () => {
  it('removes deleted FAQ rows from the replica, keeps deleted Users rows, and forgets both snapshots', async () => {
    const client = createServiceClient<SheetsRouter>({ target: 'sheets', url: t.app.url, token: INTERNAL });
    for (const id of ['f1', 'f2', 'f3'])
      t.double.addRow('FAQ', { id, question: `Вопрос ${id}?`, answer: 'Ответ.', tags: '', active: 'да' });
    for (const id of ['U-1', 'U-2'])
      t.double.addRow('Users', {
        id,
        phone: `+7999000000${id.at(-1)}`,
        name: id,
        role: 'client',
        segment: '',
        status: 'active',
      });
    expect(await client.sync.pullNow.mutate()).toMatchObject({ inserted: 5, deleted: 0 });
    expect(snapshotIds('FAQ')).toEqual(['f1', 'f2', 'f3']);

    t.double.deleteRow('FAQ', t.double.rowIndexOf('FAQ', 'f1'));
    t.double.deleteRow('FAQ', t.double.rowIndexOf('FAQ', 'f3'));
    t.double.deleteRow('Users', t.double.rowIndexOf('Users', 'U-1'));
    expect(await client.sync.pullNow.mutate()).toMatchObject({ deleted: 2, rows: { FAQ: 1, Users: 1 } });

    expect((await client.catalog.faq.query()).map((f) => f.id)).toEqual(['f2']);
    expect(snapshotIds('FAQ')).toEqual(['f2']);
    // A user is never deleted by a sync (their requests and participations refer to them); only the snapshot goes.
    expect(t.app.wb.get('Users', 'U-1')?.name).toBe('U-1');
    expect(snapshotIds('Users')).toEqual(['U-2']);

    // The next pull finds nothing more to delete.
    expect(await client.sync.pullNow.mutate()).toMatchObject({ deleted: 0, applied: 0, inserted: 0 });
  });
});
