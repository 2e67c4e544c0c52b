import type {
  CoverageEntityRow,
  SloAttainmentMonth,
  SloAttainmentSummary,
} from '@redline/backstage-plugin-observability-common';
import type { Knex } from 'knex';

/** SLO attainment columns, on rows and history points alike (all nullable: "not measured"). */
export type DbSloCounts = {
  slos?: number | string | null;
  slos_measured?: number | string | null;
  slos_meeting?: number | string | null;
  budgets_nearly_exhausted?: number | string | null;
  budgets_exhausted?: number | string | null;
};

const num = (v: number | string | null | undefined) =>
  v === null || v === undefined ? undefined : Number(v);

export function toDbRowAttainment(
  row: CoverageEntityRow,
): DbSloCounts & { lowest_budget_percent: number | null } {
  return {
    slos: row.slos ?? null,
    slos_measured: row.slosMeasured ?? null,
    slos_meeting: row.slosMeeting ?? null,
    budgets_nearly_exhausted: row.budgetsNearlyExhausted ?? null,
    budgets_exhausted: row.budgetsExhausted ?? null,
    lowest_budget_percent: row.lowestBudgetPercent ?? null,
  };
}

export function fromDbRowAttainment(
  row: DbSloCounts & { lowest_budget_percent?: number | string | null },
): Partial<CoverageEntityRow> {
  const slos = num(row.slos);
  if (slos === undefined) return {};
  return {
    slos,
    slosMeasured: num(row.slos_measured) ?? 0,
    slosMeeting: num(row.slos_meeting) ?? 0,
    budgetsNearlyExhausted: num(row.budgets_nearly_exhausted) ?? 0,
    budgetsExhausted: num(row.budgets_exhausted) ?? 0,
    lowestBudgetPercent: num(row.lowest_budget_percent) ?? null,
  };
}

export function toDbSummary(s: SloAttainmentSummary): DbSloCounts {
  return {
    slos: s.slos ?? null,
    slos_measured: s.slosMeasured ?? null,
    slos_meeting: s.slosMeeting ?? null,
    budgets_nearly_exhausted: s.budgetsNearlyExhausted ?? null,
    budgets_exhausted: s.budgetsExhausted ?? null,
  };
}

/** The summary of stored counts; nothing when they were not measured. */
export function fromDbSummary(row: DbSloCounts): SloAttainmentSummary {
  const slos = num(row.slos);
  if (slos === undefined) return {};
  const slosMeasured = num(row.slos_measured) ?? 0;
  const slosMeeting = num(row.slos_meeting) ?? 0;
  return {
    slos,
    slosMeasured,
    slosMeeting,
    sloMeetingShare: slosMeasured > 0 ? slosMeeting / slosMeasured : null,
    budgetsNearlyExhausted: num(row.budgets_nearly_exhausted) ?? 0,
    budgetsExhausted: num(row.budgets_exhausted) ?? 0,
  };
}

/**
 * Sums of the counts per group. `sum` ignores the rows of nothing measured;
 * when no row was measured it is null, which `fromDbSummary` reads as
 * absent rather than 0 of 0.
 */
export function sloSumAggregates(db: Knex): Knex.Raw[] {
  return [
    'slos',
    'slos_measured',
    'slos_meeting',
    'budgets_nearly_exhausted',
    'budgets_exhausted',
  ].map(c => db.raw('sum(??) as ??', [c, c]));
}

/** Folds teams' summaries into the overall one. */
export function foldSummaries(
  parts: SloAttainmentSummary[],
): SloAttainmentSummary {
  const measured = parts.filter(p => p.slos !== undefined);
  if (measured.length === 0) return {};
  const total = (k: keyof DbSloCountsCamel) =>
    measured.reduce((n, p) => n + (p[k] ?? 0), 0);
  return fromDbSummary({
    slos: total('slos'),
    slos_measured: total('slosMeasured'),
    slos_meeting: total('slosMeeting'),
    budgets_nearly_exhausted: total('budgetsNearlyExhausted'),
    budgets_exhausted: total('budgetsExhausted'),
  });
}

type DbSloCountsCamel = Pick<
  SloAttainmentSummary,
  | 'slos'
  | 'slosMeasured'
  | 'slosMeeting'
  | 'budgetsNearlyExhausted'
  | 'budgetsExhausted'
>;

const HISTORY = 'observability_coverage_history';
/** Teams are never empty (`unowned` at worst), so '' stands for "overall" in the join and keys. */
const OVERALL = '';

/**
 * Each calendar month's (UTC) last measured history point per team and
 * overall (see `SloAttainmentMonth` for why the last). Timestamps are
 * ISO-8601 UTC strings, so their first 7 characters are the UTC month on
 * both SQLite and PostgreSQL; the grouped scan uses the (team,
 * evaluated_at) index and returns one row per team and month.
 */
export async function listMonthlyAttainment(
  db: Knex,
  query: { team?: string; from?: string; to?: string },
): Promise<SloAttainmentMonth[]> {
  const scope = (q: Knex.QueryBuilder) => {
    q.whereNotNull('slos');
    if (query.team !== undefined) q.where('team', query.team);
    if (query.from) q.where('evaluated_at', '>=', query.from);
    if (query.to) q.where('evaluated_at', '<=', query.to);
    return q;
  };
  const last = scope(
    db(HISTORY)
      .select({ team_key: 'team' })
      .max({ last_at: 'evaluated_at' })
      .groupByRaw('team, substr(evaluated_at, 1, 7)'),
  ).as('last');
  const rows: Array<
    DbSloCounts & { team: string | null; evaluated_at: string }
  > = await scope(
    db(`${HISTORY} as h`)
      .join(last, join =>
        join
          // No bound parameters: PostgreSQL must see one expression.
          .on(
            db.raw("coalesce(??, '') = coalesce(??, '')", [
              'h.team',
              'last.team_key',
            ]),
          )
          .andOn('h.evaluated_at', '=', 'last.last_at'),
      )
      .select(
        'h.team',
        'h.evaluated_at',
        'h.slos',
        'h.slos_measured',
        'h.slos_meeting',
        'h.budgets_nearly_exhausted',
        'h.budgets_exhausted',
      ),
  );
  const seen = new Set<string>();
  const months: SloAttainmentMonth[] = [];
  for (const row of rows) {
    const id = `${row.team ?? OVERALL}\u0000${row.evaluated_at}`;
    if (seen.has(id)) continue; // a point recorded twice for one run
    seen.add(id);
    const s = fromDbSummary(row);
    months.push({
      month: row.evaluated_at.slice(0, 7),
      ...(row.team !== null ? { team: row.team } : {}),
      evaluatedAt: row.evaluated_at,
      slos: s.slos ?? 0,
      slosMeasured: s.slosMeasured ?? 0,
      slosMeeting: s.slosMeeting ?? 0,
      sloMeetingShare: s.sloMeetingShare ?? null,
      budgetsNearlyExhausted: s.budgetsNearlyExhausted ?? 0,
      budgetsExhausted: s.budgetsExhausted ?? 0,
    });
  }
  return months.sort(
    (a, b) =>
      a.month.localeCompare(b.month) ||
      (a.team ?? OVERALL).localeCompare(b.team ?? OVERALL),
  );
}
