import type { SloAttainmentMonth } from '@redline/backstage-plugin-observability-common';

/** The column of the overall figures (months without a team). */
export const OVERALL = 'All teams';

export interface AttainmentPivot {
  /** Overall first, then teams by name. */
  columns: string[];
  /** Newest month first: the current month is what readers look for. */
  rows: Array<{ month: string; cells: Map<string, SloAttainmentMonth> }>;
}

/** Months × teams; a team absent in a month (no services then) has no cell. */
export function pivotByMonth(months: SloAttainmentMonth[]): AttainmentPivot {
  const teams = new Set<string>();
  let overall = false;
  const byMonth = new Map<string, Map<string, SloAttainmentMonth>>();
  for (const m of months) {
    const column = m.team ?? OVERALL;
    if (m.team === undefined) overall = true;
    else teams.add(m.team);
    const cells = byMonth.get(m.month) ?? new Map();
    cells.set(column, m);
    byMonth.set(m.month, cells);
  }
  return {
    columns: [...(overall ? [OVERALL] : []), ...[...teams].sort()],
    rows: [...byMonth.entries()]
      .sort(([a], [b]) => b.localeCompare(a))
      .map(([month, cells]) => ({ month, cells })),
  };
}
