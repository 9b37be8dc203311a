import type { SheetsClient } from '../clients/index.ts';

/** The sandbox's "Sheet": the workbook as managers see it, through the sheets service (tRPC, like everything else). */
export type SandboxWorkbook = {
  rows(tab: string): Promise<unknown>;
  edit(input: { tab: string; id: string; column: string; value: string }): Promise<unknown>;
  add(input: { tab: string; values: Record<string, string> }): Promise<unknown>;
  /**
   * Signs the demo manager in (her Users row gets her sandbox Telegram id), so she can act in the staff group at once.
   * Done once; tried again on the next call if sheets was not reachable.
   */
  signInDemoStaff(): Promise<void>;
};

export function sandboxWorkbook(sheets: SheetsClient): SandboxWorkbook {
  let staffSignedIn: Promise<void> | undefined;
  return {
    signInDemoStaff: () =>
      (staffSignedIn ??= Promise.all(
        SANDBOX_PEOPLE.filter((p) => p.staff).map((p) =>
          sheets.users.signIn.mutate({
            telegramId: p.id,
            phone: p.phone,
            name: `${p.firstName} ${p.lastName}`,
            language: 'ru',
          }),
        ),
      ).then(
        () => undefined,
        (error: unknown) => {
          staffSignedIn = undefined;
          throw error;
        },
      )),
    rows: (tab) => sheets.workbook.tab.query({ tab }),
    edit: (input) => sheets.workbook.edit.mutate(input),
    add: (input) => sheets.workbook.add.mutate(input),
  };
}

/**
 * People the sandbox starts with: two rows of the demo workbook (a client, and a manager signed in from the start) and
 * a stranger with a valid number that is not on the allow-list.
 */
export const SANDBOX_PEOPLE = [
  {
    id: 900_101,
    firstName: 'Пётр',
    lastName: 'Клиентов',
    username: 'petr_client',
    languageCode: 'ru',
    phone: '+79035550103',
  },
  {
    id: 900_102,
    firstName: 'Мария',
    lastName: 'Менеджерова',
    username: 'maria_manager',
    languageCode: 'ru',
    phone: '+79035550101',
    staff: true,
  },
  { id: 900_103, firstName: 'John', lastName: 'Smith', username: 'john_en', languageCode: 'en', phone: '+12025550123' },
];
