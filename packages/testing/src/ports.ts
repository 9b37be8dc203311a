import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 now (for a server that must keep its port across a restart, as Telegram's URL does). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
