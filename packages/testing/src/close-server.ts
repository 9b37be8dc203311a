import type http from 'node:http';

/** Stops a double's HTTP server: open connections are cut; resolves once it has closed (at once if it never started). */
export function closeServer(server: http.Server | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
