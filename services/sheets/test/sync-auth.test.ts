import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TAB_NAMES, TABS } from '@mb/contracts';
import { SheetsDouble } from '@mb/testing/sheets-double';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeDir, type SheetsUnderTest, startSheets, stopSheets, tempDir } from './sync-harness.ts';

const EMAIL = 'marketingbot@project.iam.gserviceaccount.com';
let dir: string;
let double: SheetsDouble;
let app: SheetsUnderTest | undefined;

/** A service-account key file as Google issues it (GOOGLE_APPLICATION_CREDENTIALS). */
function keyFile(name: string): { path: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      type: 'service_account',
      project_id: 'project',
      private_key_id: 'key-1',
      client_email: EMAIL,
      client_id: '1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      token_uri: 'https://oauth2.googleapis.com/token',
    }),
  );
  return { path, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  if (app) await stopSheets(app);
  app = undefined;
  await double.close();
  removeDir(dir);
});

describe('a service-account key file (GOOGLE_APPLICATION_CREDENTIALS)', () => {
  it('signs each request with the account\u2019s key for the spreadsheets scope, without a token endpoint', async () => {
    const key = keyFile('key.json');
    double = await new SheetsDouble({ serviceAccount: { email: EMAIL, publicKey: key.publicKey } }).start();
    for (const tab of TAB_NAMES) double.setTab(tab, [[...TABS[tab].columns]]);
    double.addRow('FAQ', { id: 'f1', question: 'Q?', answer: 'A.', active: 'yes' });
    app = await startSheets(dir, double, { keyFile: key.path });
    expect(await app.sync.pullNow()).toMatchObject({ inserted: 1 });
    expect(double.lastJwtClaims).toMatchObject({ iss: EMAIL, scope: 'https://www.googleapis.com/auth/spreadsheets' });
  });

  it('reports a key Google does not accept as 401 in the pull and in /readyz', async () => {
    const right = keyFile('right.json');
    const wrong = keyFile('wrong.json');
    double = await new SheetsDouble({ serviceAccount: { email: EMAIL, publicKey: right.publicKey } }).start();
    for (const tab of TAB_NAMES) double.setTab(tab, [[...TABS[tab].columns]]);
    app = await startSheets(dir, double, { keyFile: wrong.path });
    await expect(app.sync.pullNow()).rejects.toThrow(/401/);
    const ready = (await (await fetch(`${app.url}/readyz`)).json()) as {
      checks: { sheets_sync: { detail: Record<string, unknown> } };
    };
    expect(ready.checks.sheets_sync.detail).toMatchObject({
      google: 'unreachable',
      lastError: expect.stringContaining('401'),
    });
  });
});
