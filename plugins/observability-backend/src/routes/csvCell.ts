/**
 * One CSV cell: quoted when it holds a separator, quote or line break, and
 * with a leading apostrophe when a spreadsheet would read it as a formula
 * (catalog text ends up here).
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
