import { createKeepAliveFetch } from '@mb/service-kit';
import type { ApiClientOptions } from 'grammy';

type GrammyFetch = NonNullable<ApiClientOptions['fetch']>;

/**
 * The Bot API client's fetch: grammY's calls (replies, edits, answered buttons, and multipart uploads as streams) go
 * over the same keep-alive node:http fetch as the internal calls, cheaper per call than grammY's bundled node-fetch.
 * grammY still bounds every call with its own timeout and signal, and maps the errors.
 */
export function createTelegramFetch(): GrammyFetch {
  // grammY aborts a call after its own timeoutSeconds (500 s by default); this bound only backs that up.
  return createKeepAliveFetch({ timeoutMs: 600_000 }) as unknown as GrammyFetch;
}
