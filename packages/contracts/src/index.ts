export * from './workbook.ts';
export * from './domain.ts';
export * from './events.ts';
