export * from './domain.ts';
export * from './events.ts';
export * from './links.ts';
export * from './workbook.ts';
