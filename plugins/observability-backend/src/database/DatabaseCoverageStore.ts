import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type {
  CoverageEntityRow,
  CoverageHistoryPoint,
  CoverageSortField,
  SloAttainmentMonth,
  TeamCoverageSummary,
} from '@redline/backstage-plugin-observability-common';
import { Knex } from 'knex';
import type {
  CoverageFilter,
  CoverageHistoryQuery,
  CoverageListOptions,
  CoverageStore,
  CoverageSummary,
  PublishedCoverageRun,
  RunningCoverageRun,
  SloAttainmentQuery,
} from './CoverageStore';
import { migrateObservabilityDatabase } from './migrations';
import {
  DbSloCounts,
  foldSummaries,
  fromDbRowAttainment,
  fromDbSummary,
  listMonthlyAttainment,
  sloSumAggregates,
  toDbRowAttainment,
  toDbSummary,
} from './sloAttainmentColumns';
import { upsertMany } from './upsertMany';

const ROWS = 'observability_coverage_rows';
const RUNS = 'observability_coverage_runs';
const HISTORY = 'observability_coverage_history';

/**
 * Rows per INSERT: a catalog page's rows in one statement, and 22 columns
 * of 500 rows stay well below PostgreSQL's bound-parameter limit.
 */
const UPSERT_CHUNK = 500;

type DbRow = DbSloCounts & {
  lowest_budget_percent?: number | string | null;
  run_id: string;
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
};

type RunStatus = 'running' | 'published' | 'retired' | 'abandoned';

type DbRun = {
  run_id: string;
  status: RunStatus;
  evaluated_at: string;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  entities: number | string | null;
};

type DbHistoryRow = DbSloCounts & {
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
    run_id: runId,
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
    ...toDbRowAttainment(row),
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
    ...fromDbRowAttainment(row),
  };
}

function toDbHistory(p: CoverageHistoryPoint): DbHistoryRow {
  return {
    evaluated_at: p.evaluatedAt,
    team: p.team ?? null,
    services: p.services,
    with_slo: p.withSlo,
    with_runbooks: p.withRunbooks,
    with_rules_deployed: p.withRulesDeployed,
    mean_confidence: p.meanConfidence,
    ...toDbSummary(p),
  };
}

function fromDbHistory(row: DbHistoryRow): CoverageHistoryPoint {
  return {
    evaluatedAt: row.evaluated_at,
    ...(row.team !== null ? { team: row.team } : {}),
    ...fromDbCounts(row),
  };
}

/** A history point's or a team summary's counts; drivers may answer numbers as strings. */
function fromDbCounts(row: Omit<DbHistoryRow, 'evaluated_at' | 'team'>) {
  return {
    services: Number(row.services),
    withSlo: Number(row.with_slo),
    withRunbooks: Number(row.with_runbooks),
    withRulesDeployed: Number(row.with_rules_deployed),
    meanConfidence: Number(row.mean_confidence),
    ...fromDbSummary(row),
  };
}

const EMPTY_SUMMARY: CoverageSummary = {
  services: 0,
  withSlo: 0,
  withRunbooks: 0,
  withRulesDeployed: 0,
  meanConfidence: 0,
};

/** Escapes LIKE wildcards so a search for `a_b` does not match `axb`. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, m => `\\${m}`)}%`;
}

/**
 * Coverage results in the plugin's database (SQLite by default, PostgreSQL
 * in production), through Backstage's database service. Rows are kept per
 * run; readers see the published run only (see `CoverageStore`).
 * @public
 */
export class DatabaseCoverageStore implements CoverageStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseCoverageStore> {
    return new DatabaseCoverageStore(
      await migrateObservabilityDatabase(options.database),
    );
  }

  readonly #db: Knex;
  /**
   * Summaries by run and filter: a full grouped scan per page view is the
   * costliest query here. A run's rows never change once it is published,
   * so an entry stays right for as long as its run is the one read.
   */
  readonly #summaries = new Map<
    string,
    Promise<{ summary: CoverageSummary; teams: TeamCoverageSummary[] }>
  >();

  private constructor(db: Knex) {
    this.#db = db;
  }

  async beginRun(run: {
    runId: string;
    evaluatedAt: string;
    startedAt: string;
  }): Promise<number> {
    const db = this.#db;
    await db<DbRun>(RUNS)
      .where('status', 'running')
      .update({ status: 'abandoned' });
    const collected = await db<DbRow>(ROWS)
      .whereNotIn(
        'run_id',
        db<DbRun>(RUNS).select('run_id').where('status', 'published'),
      )
      .delete();
    await db<DbRun>(RUNS).whereIn('status', ['retired', 'abandoned']).delete();
    await db<DbRun>(RUNS).insert({
      run_id: run.runId,
      status: 'running',
      evaluated_at: run.evaluatedAt,
      started_at: run.startedAt,
      heartbeat_at: run.startedAt,
      finished_at: null,
      entities: null,
    });
    return collected;
  }

  async heartbeat(runId: string, at: string): Promise<boolean> {
    const updated = await this.#db<DbRun>(RUNS)
      .where({ run_id: runId, status: 'running' })
      .update({ heartbeat_at: at });
    return updated > 0;
  }

  async upsertRows(runId: string, rows: CoverageEntityRow[]): Promise<void> {
    await upsertMany(
      this.#db,
      ROWS,
      rows.map(r => toDbRow(runId, r)),
      ['run_id', 'entity_ref'],
      UPSERT_CHUNK,
    );
  }

  async publishRun(
    runId: string,
    result: {
      entities: number;
      finishedAt: string;
      history: CoverageHistoryPoint[];
    },
  ): Promise<{ pruned: number }> {
    const pruned = await this.#db.transaction(async tx => {
      const previous = await tx<DbRun>(RUNS)
        .where('status', 'published')
        .select('run_id');
      const published = await tx<DbRun>(RUNS)
        .where({ run_id: runId, status: 'running' })
        .update({
          status: 'published',
          finished_at: result.finishedAt,
          heartbeat_at: result.finishedAt,
          entities: result.entities,
        });
      if (published === 0) {
        // A recovery took it for dead (no heartbeat for too long) and a
        // newer run may be under way: publishing now would hide that one.
        throw new ConflictError(`Coverage run ${runId} is no longer running`);
      }
      await tx<DbRun>(RUNS)
        .whereIn(
          'run_id',
          previous.map(p => p.run_id),
        )
        .update({ status: 'retired' });
      for (let i = 0; i < result.history.length; i += UPSERT_CHUNK) {
        await tx<DbHistoryRow>(HISTORY).insert(
          result.history.slice(i, i + UPSERT_CHUNK).map(toDbHistory),
        );
      }
      if (previous.length === 0) return 0;
      const [{ count }] = await tx<DbRow>(`${ROWS} as old`)
        .whereIn(
          'old.run_id',
          previous.map(p => p.run_id),
        )
        .whereNotExists(
          tx<DbRow>(`${ROWS} as new`)
            .select(tx.raw('1'))
            .where('new.run_id', runId)
            .whereRaw('?? = ??', ['new.entity_ref', 'old.entity_ref']),
        )
        .count({ count: '*' });
      return Number(count);
    });
    this.#summaries.clear();
    return { pruned };
  }

  async abandonRun(runId: string): Promise<void> {
    await this.#db<DbRun>(RUNS)
      .where({ run_id: runId, status: 'running' })
      .update({ status: 'abandoned' });
    // Never the published run's rows, whatever failed after publishing it.
    await this.#db<DbRow>(ROWS)
      .where('run_id', runId)
      .whereNotIn(
        'run_id',
        this.#db<DbRun>(RUNS).select('run_id').where('status', 'published'),
      )
      .delete();
  }

  async publishedRun(): Promise<PublishedCoverageRun | undefined> {
    const row = await this.#db<DbRun>(RUNS)
      .where('status', 'published')
      .first();
    return row
      ? {
          runId: row.run_id,
          evaluatedAt: row.evaluated_at,
          entities: Number(row.entities ?? 0),
        }
      : undefined;
  }

  async runningRun(): Promise<RunningCoverageRun | undefined> {
    const row = await this.#db<DbRun>(RUNS)
      .where('status', 'running')
      .orderBy('started_at', 'desc')
      .first();
    return row
      ? {
          runId: row.run_id,
          startedAt: row.started_at,
          heartbeatAt: row.heartbeat_at,
        }
      : undefined;
  }

  /** The run a reader reads: the one asked for, else the published one. */
  async #runToRead(runId?: string): Promise<string | undefined> {
    return runId ?? (await this.publishedRun())?.runId;
  }

  #filtered(runId: string, filter: CoverageFilter): Knex.QueryBuilder {
    const query = this.#db(ROWS).where('run_id', runId);
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
    // One run for both queries, so the count and the page always agree.
    const runId = await this.#runToRead(options.runId);
    if (runId === undefined) return { items: [], totalItems: 0 };
    const [{ count }] = await this.#filtered(runId, options).count({
      count: '*',
    });
    const column = SORT_COLUMNS[options.sort ?? 'entityRef'];
    const order = options.order ?? 'asc';
    const query = this.#filtered(runId, options).select('*');
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
      // in the same direction, so a (run, column, entity_ref) index serves both.
      .orderBy('entity_ref', order)
      .offset(options.offset)
      .limit(options.limit);
    return { items: rows.map(fromDbRow), totalItems: Number(count) };
  }

  async summarize(
    filter: CoverageFilter,
    runId?: string,
  ): Promise<{ summary: CoverageSummary; teams: TeamCoverageSummary[] }> {
    const run = await this.#runToRead(runId);
    if (run === undefined) return { summary: EMPTY_SUMMARY, teams: [] };
    const key = JSON.stringify([
      run,
      filter.owner,
      filter.system,
      filter.lifecycle,
      filter.kind,
      filter.tier,
      filter.q,
    ]);
    const cached = this.#summaries.get(key);
    if (cached) return cached;
    if (this.#summaries.size >= 200) this.#summaries.clear();
    const value = this.#computeSummary(run, filter);
    this.#summaries.set(key, value);
    // A failed query must not be served from the cache.
    value.catch(() => this.#summaries.delete(key));
    return value;
  }

  async #computeSummary(
    runId: string,
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
      ...sloSumAggregates(db),
    ];
    // One grouped scan; the overall figures are folded from the teams'
    // (weighted by their number of services) instead of a second scan.
    const perTeam = (await this.#filtered(runId, filter)
      .select('team', ...aggregates)
      .groupBy('team')
      .orderBy('team')) as Array<DbHistoryRow & { team: string }>;
    const teams: TeamCoverageSummary[] = perTeam.map(row => ({
      team: row.team,
      ...fromDbCounts(row),
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
        ...foldSummaries(teams),
      },
      teams,
    };
  }

  async addHistory(points: CoverageHistoryPoint[]): Promise<void> {
    const rows = points.map(toDbHistory);
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

  listMonthlyAttainment(
    query: SloAttainmentQuery,
  ): Promise<SloAttainmentMonth[]> {
    return listMonthlyAttainment(this.#db, query);
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
