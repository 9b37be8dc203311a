export * from './domain.ts';
export * from './events.ts';
export * from './workbook.ts';
