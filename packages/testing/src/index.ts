export * from './bot-api-double.ts';
export * from './credentials.ts';
export * from './init-data.ts';
export * from './log-capture.ts';
export * from './openai-double.ts';
export * from './sheets-double.ts';
export * from './telegram-limits.ts';
export * from './updates.ts';
