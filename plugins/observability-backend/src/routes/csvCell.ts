/**
 * One CSV cell: quoted when it holds a separator, quote or line break, and
 * with a leading apostrophe when a spreadsheet would read it as a formula
 * (catalog text ends up here). Numbers are never formulas, and a negative
 * one (an overspent budget) must stay a number.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
