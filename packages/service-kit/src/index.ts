export * from './env.ts';
export * from './context.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './trpc.ts';
export * from './http-server.ts';
export * from './client.ts';
export * from './shutdown.ts';
