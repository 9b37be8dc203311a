import { bindHost, parseEnv, port, refuseWeakInternalTokenInProduction, serviceEnv } from '@mb/service-kit';
import { z } from 'zod';

const schema = z
  .object({
    SHEETS_PORT: port(8081),
    BIND_HOST: bindHost,
    ...serviceEnv,
    SHEETS_DB_PATH: z.string().default('./data/workbook.sqlite'),
    GOOGLE_SHEETS_SPREADSHEET_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{10,}$/, 'expected a spreadsheet id')
      .optional(),
    GOOGLE_APPLICATION_CREDENTIALS: z.string().optional(),
    GOOGLE_SHEETS_ACCESS_TOKEN: z.string().optional(),
    GOOGLE_SHEETS_API_ROOT: z.url().default('https://sheets.googleapis.com/'),
    SHEETS_PULL_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
    SHEETS_FLUSH_INTERVAL_MS: z.coerce.number().int().min(100).default(2_000),
    /** Off when unset: the nightly archive takes rows older than this many days out of the Sheet. */
    SHEETS_ARCHIVE_AFTER_DAYS: z.coerce
      .number({ error: 'expected a whole number of days, 1 or more' })
      .int('expected a whole number of days, 1 or more')
      .min(1, 'expected a whole number of days, 1 or more')
      .optional(),
  })
  .superRefine((env, ctx) => {
    refuseWeakInternalTokenInProduction(env, ctx);
    if (env.GOOGLE_SHEETS_SPREADSHEET_ID && !env.GOOGLE_APPLICATION_CREDENTIALS && !env.GOOGLE_SHEETS_ACCESS_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['GOOGLE_SHEETS_SPREADSHEET_ID'],
        message: 'needs GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_SHEETS_ACCESS_TOKEN',
      });
    }
  });

export type SheetsEnv = z.infer<typeof schema>;
export const readEnv = (source: Record<string, string | undefined>): SheetsEnv => parseEnv('sheets', schema, source);
