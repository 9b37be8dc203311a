import { createLogger } from '@mb/service-kit';
import { createSheetsApp } from '@mb/sheets/app';
import { evaluate, loadQuestions, type QualityReport } from './evaluate.ts';

/** The labelled set scored against the seeded demo workbook (a fresh in-memory sheets app). */
export async function qualityOnSeedData(): Promise<QualityReport> {
  const sheets = createSheetsApp({
    dbPath: ':memory:',
    internalToken: 'quality-eval-token-000',
    logger: createLogger('eval', 'silent'),
  });
  try {
    return await evaluate(loadQuestions(), sheets.catalog.faq(), (segment) => sheets.catalog.livePromotions(segment));
  } finally {
    await sheets.close();
  }
}
