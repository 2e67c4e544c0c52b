import type { LintLocation } from './types';

/**
 * One-line form of a finding's location, the same everywhere it is shown:
 * `file:line:col` for rule files, `group › rule` for live rules (prefixed by
 * the source when there is one).
 * @public
 */
export function formatLintLocation(location: LintLocation): string {
  const { file, line, column, group, rule } = location;
  if (file !== undefined && line !== undefined)
    return `${file}:${line}:${column ?? 1}`;
  const inGroup = [group, rule]
    .filter(part => part !== undefined && part !== '')
    .join(' › ');
  if (file !== undefined) return inGroup ? `${file} ${inGroup}` : file;
  return inGroup || '-';
}
