/** A1 notation helpers: column letters, and ranges on a tab. */
export const columnLetter = (index: number): string => {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

/** Quotes a tab title for an A1 range when needed (`'My tab'!A1`). */
export const a1Tab = (title: string) => (/^[A-Za-z0-9_]+$/.test(title) ? title : `'${title.replaceAll("'", "''")}'`);

/** `Tab!C5:E5`: `count` cells from (row, col), both 0-based. */
export const a1Cells = (tab: string, row: number, col: number, count = 1) =>
  `${a1Tab(tab)}!${columnLetter(col)}${row + 1}${count > 1 ? `:${columnLetter(col + count - 1)}${row + 1}` : ''}`;

/** `Tab!C2:C`: a whole column under the header. */
export const a1Column = (tab: string, col: number) => `${a1Tab(tab)}!${columnLetter(col)}2:${columnLetter(col)}`;
