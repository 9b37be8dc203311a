import type { SheetsClient } from '../clients/index.ts';

/** The sandbox's "Sheet": the workbook as managers see it, through the sheets service (tRPC, like everything else). */
export type SandboxWorkbook = {
  rows(tab: string): Promise<unknown>;
  edit(input: { tab: string; id: string; column: string; value: string }): Promise<unknown>;
  add(input: { tab: string; values: Record<string, string> }): Promise<unknown>;
};

export function sandboxWorkbook(sheets: SheetsClient): SandboxWorkbook {
  return {
    rows: (tab) => sheets.workbook.tab.query({ tab }),
    edit: (input) => sheets.workbook.edit.mutate(input),
    add: (input) => sheets.workbook.add.mutate(input),
  };
}

/** People the sandbox starts with: two rows of the demo workbook (a client and a manager) and a stranger. */
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
  },
  { id: 900_103, firstName: 'John', lastName: 'Smith', username: 'john_en', languageCode: 'en', phone: '+15551234567' },
];
