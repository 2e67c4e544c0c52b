import type { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  CoverageEntityRow,
  CoverageHistoryPoint,
  CoverageSortField,
  TeamCoverageSummary,
} from '@redline/backstage-plugin-observability-common';
import { Knex } from 'knex';
import type {
  CoverageFilter,
  CoverageHistoryQuery,
  CoverageListOptions,
  CoverageStore,
  CoverageSummary,
} from './CoverageStore';
import { migrateObservabilityDatabase } from './migrations';

const ROWS = 'observability_coverage';
const HISTORY = 'observability_coverage_history';

/** Rows per INSERT: well below SQLite's and PostgreSQL's bound-parameter limits. */
const UPSERT_CHUNK = 200;

type DbRow = {
  entity_ref: string;
  name: string;
  kind: string;
  owner: string;
  team: string;
  system: string | null;
  lifecycle: string | null;
  tier: string | null;
  has_slo: boolean | number;
  has_runbook: boolean | number;
  rules_deployed: string;
  confidence: number | string;
  failing_checks: number | string;
  top_failing_check: string | null;
  evaluated_at: string;
  run_id: string;
};

type DbHistoryRow = {
  id?: number;
  evaluated_at: string;
  team: string | null;
  services: number | string;
  with_slo: number | string;
  with_runbooks: number | string;
  with_rules_deployed: number | string;
  mean_confidence: number | string;
};

const SORT_COLUMNS: Record<CoverageSortField, string> = {
  entityRef: 'entity_ref',
  name: 'name',
  kind: 'kind',
  owner: 'owner',
  team: 'team',
  system: 'system',
  lifecycle: 'lifecycle',
  tier: 'tier',
  hasSlo: 'has_slo',
  hasRunbook: 'has_runbook',
  rulesDeployed: 'rules_deployed',
  confidence: 'confidence',
  failingChecks: 'failing_checks',
  topFailingCheck: 'top_failing_check',
  evaluatedAt: 'evaluated_at',
};

const NULLABLE_COLUMNS = new Set([
  'system',
  'lifecycle',
  'tier',
  'top_failing_check',
]);

function toDbRow(runId: string, row: CoverageEntityRow): DbRow {
  return {
    entity_ref: row.entityRef,
    name: row.name,
    kind: row.kind,
    owner: row.owner,
    team: row.team,
    system: row.system ?? null,
    lifecycle: row.lifecycle ?? null,
    tier: row.tier ?? null,
    has_slo: row.hasSlo,
    has_runbook: row.hasRunbook,
    rules_deployed: row.rulesDeployed,
    confidence: row.confidence,
    failing_checks: row.failingChecks,
    top_failing_check: row.topFailingCheck ?? null,
    evaluated_at: row.evaluatedAt,
    run_id: runId,
  };
}

function fromDbRow(row: DbRow): CoverageEntityRow {
  return {
    entityRef: row.entity_ref,
    name: row.name,
    kind: row.kind,
    owner: row.owner,
    team: row.team,
    ...(row.system !== null ? { system: row.system } : {}),
    ...(row.lifecycle !== null ? { lifecycle: row.lifecycle } : {}),
    ...(row.tier !== null ? { tier: row.tier } : {}),
    // SQLite hands booleans back as 0/1 and PostgreSQL aggregates as strings.
    hasSlo: Boolean(row.has_slo),
    hasRunbook: Boolean(row.has_runbook),
    rulesDeployed: row.rules_deployed as CoverageEntityRow['rulesDeployed'],
    confidence: Number(row.confidence),
    failingChecks: Number(row.failing_checks),
    ...(row.top_failing_check !== null
      ? { topFailingCheck: row.top_failing_check }
      : {}),
    evaluatedAt: row.evaluated_at,
  };
}

function fromDbHistory(row: DbHistoryRow): CoverageHistoryPoint {
  return {
    evaluatedAt: row.evaluated_at,
    ...(row.team !== null ? { team: row.team } : {}),
    services: Number(row.services),
    withSlo: Number(row.with_slo),
    withRunbooks: Number(row.with_runbooks),
    withRulesDeployed: Number(row.with_rules_deployed),
    meanConfidence: Number(row.mean_confidence),
  };
}

/** Escapes LIKE wildcards so a search for `a_b` does not match `axb`. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, m => `\\${m}`)}%`;
}

/**
 * Coverage results in the plugin's database (SQLite by default, PostgreSQL
 * in production), through Backstage's database service.
 * @public
 */
export class DatabaseCoverageStore implements CoverageStore {
  static async create(options: {
    database: DatabaseService;
    /**
     * How long a summary may be served from memory (default 10 s). Writes
     * through this store clear it at once; the TTL bounds how stale a
     * summary can be after another replica's evaluation wrote the rows.
     */
    summaryCacheTtlMs?: number;
  }): Promise<DatabaseCoverageStore> {
    return new DatabaseCoverageStore(
      await migrateObservabilityDatabase(options.database),
      options.summaryCacheTtlMs ?? 10_000,
    );
  }

  readonly #db: Knex;
  readonly #summaryTtlMs: number;
  /** Summaries by filter: a full grouped scan per page view is the costliest query here. */
  readonly #summaries = new Map<
    string,
    {
      at: number;
      value: Promise<{
        summary: CoverageSummary;
        teams: TeamCoverageSummary[];
      }>;
    }
  >();

  private constructor(db: Knex, summaryTtlMs: number) {
    this.#db = db;
    this.#summaryTtlMs = summaryTtlMs;
  }

  async upsertRows(runId: string, rows: CoverageEntityRow[]): Promise<void> {
    this.#summaries.clear();
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      const chunk = rows.slice(i, i + UPSERT_CHUNK).map(r => toDbRow(runId, r));
      await this.#db<DbRow>(ROWS)
        .insert(chunk)
        .onConflict('entity_ref')
        .merge();
    }
  }

  async pruneRowsNotIn(runId: string): Promise<number> {
    this.#summaries.clear();
    return this.#db<DbRow>(ROWS).whereNot('run_id', runId).delete();
  }

  #filtered(filter: CoverageFilter): Knex.QueryBuilder {
    const query = this.#db(ROWS);
    if (filter.owner?.length) {
      const owners = filter.owner;
      query.where(q => q.whereIn('owner', owners).orWhereIn('team', owners));
    }
    for (const key of ['system', 'lifecycle', 'kind', 'tier'] as const) {
      const values = filter[key];
      if (values?.length) query.whereIn(key, values);
    }
    if (filter.q) {
      query.whereRaw('lower(entity_ref) like ? escape ?', [
        likePattern(filter.q),
        '\\',
      ]);
    }
    return query;
  }

  async listRows(
    options: CoverageListOptions,
  ): Promise<{ items: CoverageEntityRow[]; totalItems: number }> {
    const [{ count }] = await this.#filtered(options).count({ count: '*' });
    const column = SORT_COLUMNS[options.sort ?? 'entityRef'];
    const order = options.order ?? 'asc';
    const query = this.#filtered(options).select('*');
    if (NULLABLE_COLUMNS.has(column)) {
      // Explicit null placement (last ascending, first descending), since
      // SQLite and PostgreSQL default differently; spelled out because
      // knex's `nulls` option drops the column ordering on SQLite. Only for
      // nullable columns: the expression keeps an index from being used.
      query.orderByRaw(`(?? is null) ${order}`, [column]);
    }
    const rows: DbRow[] = await query
      .orderBy(column, order)
      // A unique tie-breaker keeps pages stable when many rows share a value;
      // in the same direction, so a (column, entity_ref) index serves both.
      .orderBy('entity_ref', order)
      .offset(options.offset)
      .limit(options.limit);
    return { items: rows.map(fromDbRow), totalItems: Number(count) };
  }

  async summarize(
    filter: CoverageFilter,
  ): Promise<{ summary: CoverageSummary; teams: TeamCoverageSummary[] }> {
    const key = JSON.stringify([
      filter.owner,
      filter.system,
      filter.lifecycle,
      filter.kind,
      filter.tier,
      filter.q,
    ]);
    const cached = this.#summaries.get(key);
    if (cached && Date.now() - cached.at < this.#summaryTtlMs)
      return cached.value;
    if (this.#summaries.size >= 200) this.#summaries.clear();
    const value = this.#computeSummary(filter);
    this.#summaries.set(key, { at: Date.now(), value });
    // A failed query must not be served from the cache.
    value.catch(() => this.#summaries.delete(key));
    return value;
  }

  async #computeSummary(
    filter: CoverageFilter,
  ): Promise<{ summary: CoverageSummary; teams: TeamCoverageSummary[] }> {
    const db = this.#db;
    const aggregates = [
      db.raw('count(*) as services'),
      db.raw('avg(case when has_slo then 1.0 else 0.0 end) as with_slo'),
      db.raw(
        'avg(case when has_runbook then 1.0 else 0.0 end) as with_runbooks',
      ),
      db.raw(
        "avg(case when rules_deployed = 'yes' then 1.0 else 0.0 end) as with_rules_deployed",
      ),
      db.raw('avg(confidence) as mean_confidence'),
    ];
    // One grouped scan; the overall figures are folded from the teams'
    // (weighted by their number of services) instead of a second scan.
    const perTeam = (await this.#filtered(filter)
      .select('team', ...aggregates)
      .groupBy('team')
      .orderBy('team')) as Array<DbHistoryRow & { team: string }>;
    const teams: TeamCoverageSummary[] = perTeam.map(row => ({
      team: row.team,
      services: Number(row.services),
      withSlo: Number(row.with_slo),
      withRunbooks: Number(row.with_runbooks),
      withRulesDeployed: Number(row.with_rules_deployed),
      meanConfidence: Number(row.mean_confidence),
    }));
    const services = teams.reduce((n, t) => n + t.services, 0);
    const weighted = (
      key: 'withSlo' | 'withRunbooks' | 'withRulesDeployed' | 'meanConfidence',
    ) =>
      services === 0
        ? 0
        : teams.reduce((sum, t) => sum + t[key] * t.services, 0) / services;
    return {
      summary: {
        services,
        withSlo: weighted('withSlo'),
        withRunbooks: weighted('withRunbooks'),
        withRulesDeployed: weighted('withRulesDeployed'),
        meanConfidence: weighted('meanConfidence'),
      },
      teams,
    };
  }

  async lastEvaluatedAt(): Promise<string | undefined> {
    const [row] = (await this.#db<DbRow>(ROWS).max({
      last: 'evaluated_at',
    })) as Array<{
      last: string | null;
    }>;
    return row?.last ?? undefined;
  }

  async addHistory(points: CoverageHistoryPoint[]): Promise<void> {
    if (points.length === 0) return;
    const rows: DbHistoryRow[] = points.map(p => ({
      evaluated_at: p.evaluatedAt,
      team: p.team ?? null,
      services: p.services,
      with_slo: p.withSlo,
      with_runbooks: p.withRunbooks,
      with_rules_deployed: p.withRulesDeployed,
      mean_confidence: p.meanConfidence,
    }));
    for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
      await this.#db<DbHistoryRow>(HISTORY).insert(
        rows.slice(i, i + UPSERT_CHUNK),
      );
    }
  }

  async pruneHistory(before: string): Promise<number> {
    return this.#db<DbHistoryRow>(HISTORY)
      .where('evaluated_at', '<', before)
      .delete();
  }

  async listHistory(
    query: CoverageHistoryQuery,
  ): Promise<CoverageHistoryPoint[]> {
    const q = this.#db<DbHistoryRow>(HISTORY);
    if (query.team !== undefined) q.where('team', query.team);
    else q.whereNull('team');
    if (query.from) q.where('evaluated_at', '>=', query.from);
    if (query.to) q.where('evaluated_at', '<=', query.to);
    // Newest N, returned oldest first for a left-to-right trend chart.
    const rows: DbHistoryRow[] = await q
      .select('*')
      .orderBy('evaluated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit ?? 1000);
    return rows.reverse().map(fromDbHistory);
  }
}
