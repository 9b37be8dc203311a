import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

export const DEFAULT_WEBAPP_DIST = fileURLToPath(new URL('../../../webapp/dist', import.meta.url));

/** Serves the built Mini App under /app/ (hashed assets cached for a year, pages revalidated). */
export function webappRoute(dist: string) {
  const present = existsSync(dist);
  const serve = present
    ? sirv(dist, {
        etag: true,
        setHeaders: (res, pathname) => {
          res.setHeader(
            'cache-control',
            pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      })
    : undefined;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/app' || req.url?.startsWith('/app?')) {
      res.writeHead(301, { location: `/app/${req.url.slice(4)}` }).end();
      return;
    }
    if (!serve) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end('The Mini App is not built: run `npm run build -w @mb/webapp`.');
      return;
    }
    req.url = (req.url ?? '/app/').slice(4) || '/';
    serve(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    });
  };
}
