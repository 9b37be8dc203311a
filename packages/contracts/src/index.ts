export * from './workbook.ts';
export * from './domain.ts';
