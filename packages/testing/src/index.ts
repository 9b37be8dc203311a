export * from './bot-api-double.ts';
export * from './updates.ts';
export * from './stack.ts';
export * from './init-data.ts';
