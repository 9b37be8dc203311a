import type { BadRowRegistry, Catalog } from '../domain/catalog.ts';
import type { Workbook } from '../store/workbook.ts';
import type { SheetsSync } from '../sync/engine.ts';

/** What the routers need; built once in app.ts. */
export type SheetsDeps = { wb: Workbook; catalog: Catalog; badRows: BadRowRegistry; sync?: SheetsSync | null };
