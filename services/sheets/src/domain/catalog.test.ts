import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, transaction } from '../store/db.ts';
import { seedIfEmpty } from '../store/seed.ts';
import { Workbook } from '../store/workbook.ts';
import { BadRowRegistry, Catalog } from './catalog.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function catalogOn(path = ':memory:') {
  const wb = new Workbook(openDatabase(path), { outbox: false });
  seedIfEmpty(wb);
  const bad = new BadRowRegistry();
  return { wb, bad, catalog: new Catalog(wb, bad) };
}
const promo = (id: string, title: string) => ({
  id,
  title,
  description: 'd',
  image_url: '',
  starts_at: '2020-01-01',
  ends_at: '2099-12-31',
  segment: 'all',
  status: 'active',
  cta: 'participate',
  link_url: '',
  notify: 'нет',
});

describe('catalog: parsed tabs kept until the tab changes', () => {
  it('sees every write at once: by the workbook, by plain SQL, a delete, and settings and FAQ edits', () => {
    const { wb, catalog } = catalogOn();
    const before = catalog.livePromotions(null).length;
    wb.insert('Promotions', promo('p-new', 'Новая'), { outbox: false });
    expect(catalog.livePromotions(null).map((p) => p.id)).toContain('p-new');
    expect(catalog.livePromotions(null)).toHaveLength(before + 1);
    wb.update('Promotions', 'p-new', { title: 'Переименована' }, { by: 'sheet' });
    expect(catalog.promotion('p-new')?.title).toBe('Переименована');
    wb.db.prepare(`UPDATE "Promotions" SET status = 'archived' WHERE id = ?`).run('p-new');
    expect(catalog.livePromotions(null).map((p) => p.id)).not.toContain('p-new');
    wb.db.prepare(`DELETE FROM "Promotions" WHERE id = ?`).run('p-new');
    expect(catalog.promotion('p-new')).toBeUndefined();

    wb.update('Settings', 'welcome_text', { value: 'Здравствуйте!' }, { by: 'sheet' });
    expect(catalog.settings().welcomeText).toBe('Здравствуйте!');
    wb.update('Settings', 'welcome_text', { value: 'Привет!' }, { by: 'sheet' });
    expect(catalog.settings().welcomeText).toBe('Привет!');

    const faq = catalog.faq().length;
    wb.insert('FAQ', { id: 'faq-x', question: 'Q?', answer: 'A', tags: '', active: 'да' }, { outbox: false });
    expect(catalog.faq()).toHaveLength(faq + 1);
    wb.update('FAQ', 'faq-x', { active: 'нет' }, { by: 'sheet' });
    expect(catalog.faq()).toHaveLength(faq);
    expect(catalog.faq(false).map((f) => f.id)).toContain('faq-x');
  });

  it('sees a commit by another connection to the same file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    dirs.push(dir);
    const path = join(dir, 'workbook.sqlite');
    const { catalog, wb } = catalogOn(path);
    expect(catalog.promotion('from-cli')).toBeUndefined();
    const other = new DatabaseSync(path);
    try {
      other
        .prepare(`INSERT INTO "Promotions" (id, title, description, image_url, starts_at, ends_at, segment, status, cta, link_url, notify, announced_at, _updated_at, _updated_by)
        VALUES ('from-cli', 'Из CLI', '', '', '', '', 'all', 'active', 'participate', '', 'нет', '', '', 'sheet')`)
        .run();
      expect(catalog.promotion('from-cli')?.title).toBe('Из CLI');
    } finally {
      other.close();
      wb.db.close();
    }
  });

  it('does not keep rows read inside a transaction that is rolled back', () => {
    const { wb, catalog } = catalogOn();
    expect(() =>
      transaction(wb.db, () => {
        wb.insert('Promotions', promo('p-rolled-back', 'Откат'), { outbox: false });
        expect(catalog.promotion('p-rolled-back')).toBeDefined();
        throw new Error('rollback');
      }),
    ).toThrow('rollback');
    expect(catalog.promotion('p-rolled-back')).toBeUndefined();
  });

  it('hands out copies of the lists and frozen rows, so one caller cannot change what the next one reads', () => {
    const { catalog } = catalogOn();
    const list = catalog.promotions();
    list.length = 0;
    expect(catalog.promotions().length).toBeGreaterThan(0);
    const first = catalog.promotions()[0]!;
    expect(() => Object.assign(first, { title: 'x' })).toThrow(TypeError);
    expect(catalog.settings()).toBe(catalog.settings());
  });

  it('two catalogs on one database both see writes (one trigger set per handle)', () => {
    const { wb, catalog, bad } = catalogOn();
    const second = new Catalog(wb, bad);
    catalog.promotions();
    second.promotions();
    wb.insert('Promotions', promo('p-both', 'Обе'), { outbox: false });
    expect(catalog.promotion('p-both')).toBeDefined();
    expect(second.promotion('p-both')).toBeDefined();
  });
});
