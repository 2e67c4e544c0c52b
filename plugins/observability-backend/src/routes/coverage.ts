import type {
  HttpAuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  COVERAGE_SORT_FIELDS,
  CoverageEntityRow,
  CoverageSortField,
  CoverageRefreshResponse,
  CoverageResponse,
} from '@redline/backstage-plugin-observability-common';
import express from 'express';
import Router from 'express-promise-router';
import type { CoverageFilter, CoverageStore } from '../database/CoverageStore';
import { addAttainmentRoutes } from './coverageAttainment';
import { csvCell } from './csvCell';
import {
  CoverageLivenessOptions,
  triggerCoverageEvaluation,
} from '../services/scheduleCoverageEvaluation';
import {
  coverageHistoryQuery,
  CoverageListQuery,
  coverageListQuery,
  parseOrThrow,
} from './validation';

/** @public */
export interface CoverageRouterOptions {
  store: CoverageStore;
  httpAuth: HttpAuthService;
  /** Used by `POST /refresh` to run the evaluation now. */
  scheduler: Pick<SchedulerService, 'triggerTask' | 'cancelTask'>;
  logger: LoggerService;
  /** When a run without a heartbeat is taken for dead (see `recoverDeadCoverageRun`). */
  deadAfterMs?: number;
}

/** ISO-8601 in UTC with milliseconds: the form the store keeps and compares. */
const toUtc = (iso?: string) => (iso ? new Date(iso).toISOString() : undefined);

/** The filter and order of a validated query, without its paging. */
function filterOf(query: CoverageListQuery): CoverageFilter & {
  sort?: CoverageSortField;
  order?: 'asc' | 'desc';
} {
  const { owner, system, lifecycle, kind, tier, q, sort, order } = query;
  return { owner, system, lifecycle, kind, tier, q, sort, order };
}

/**
 * The table's columns, then each row's SLO attainment. Appended rather than
 * interleaved so spreadsheets built on the earlier layout keep their column
 * positions. Empty cells: a run that did not measure attainment (and, for
 * the lowest budget, no SLO with data).
 */
const CSV_COLUMNS = [
  ...COVERAGE_SORT_FIELDS,
  'slos',
  'slosMeasured',
  'slosMeeting',
  'budgetsNearlyExhausted',
  'budgetsExhausted',
  'lowestBudgetPercent',
] as const satisfies ReadonlyArray<keyof CoverageEntityRow>;

export { csvCell };

function csvLine(row: CoverageEntityRow): string {
  return `${CSV_COLUMNS.map(c => csvCell(row[c])).join(',')}\r\n`;
}

/** A run id no run has: reads nothing before the first run is published. */
const NO_RUN = '';

/** Rows fetched per query while streaming the CSV. */
const EXPORT_BATCH = 1000;

/**
 * The coverage API, mounted at `/coverage`: the table with server-side
 * filtering, sorting and paging plus team summaries, its history, a CSV
 * export, and a trigger to re-evaluate now.
 * @public
 */
export async function createCoverageRouter(
  options: CoverageRouterOptions,
): Promise<express.Router> {
  const { store, httpAuth, scheduler } = options;
  const liveness: CoverageLivenessOptions = {
    scheduler,
    store,
    logger: options.logger,
    deadAfterMs: options.deadAfterMs,
  };
  const router = Router();

  router.get('/', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const query = parseOrThrow(coverageListQuery, req.query, 'coverage query');
    const filter = filterOf(query);
    // One run for the page, its count, the summary and evaluatedAt, so they
    // agree even when a run is published meanwhile.
    const run = await store.publishedRun();
    const [{ items, totalItems }, { summary, teams }] = await Promise.all([
      store.listRows({
        ...filter,
        offset: (query.page - 1) * query.pageSize,
        limit: query.pageSize,
        runId: run?.runId ?? NO_RUN,
      }),
      store.summarize(filter, run?.runId ?? NO_RUN),
    ]);
    const evaluatedAt = run?.evaluatedAt;
    const body: CoverageResponse = {
      items,
      totalItems,
      page: query.page,
      pageSize: query.pageSize,
      teams,
      summary,
      ...(evaluatedAt ? { evaluatedAt } : {}),
    };
    res.json(body);
  });

  router.get('/history', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const query = parseOrThrow(
      coverageHistoryQuery,
      req.query,
      'history query',
    );
    res.json(
      await store.listHistory({
        team: query.team,
        from: toUtc(query.from),
        to: toUtc(query.to),
        limit: query.limit,
      }),
    );
  });

  router.get('/export.csv', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const filter = filterOf(
      parseOrThrow(coverageListQuery, req.query, 'coverage query'),
    );
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="coverage.csv"');
    res.write(`${CSV_COLUMNS.join(',')}\r\n`);
    // Every batch from the run published when the export began: a run
    // published meanwhile must not make the file half one, half the other
    // (a replaced run's rows are kept until the next run begins).
    const runId = (await store.publishedRun())?.runId ?? NO_RUN;
    // Batches keep memory flat however large the catalog is.
    for (let offset = 0; ; offset += EXPORT_BATCH) {
      const { items } = await store.listRows({
        ...filter,
        offset,
        limit: EXPORT_BATCH,
        runId,
      });
      if (items.length > 0) res.write(items.map(csvLine).join(''));
      if (items.length < EXPORT_BATCH) break;
    }
    res.end();
  });

  addAttainmentRoutes(router, { store, httpAuth });

  router.post('/refresh', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: CoverageRefreshResponse = {
      status: await triggerCoverageEvaluation(liveness),
    };
    res.status(202).json(body);
  });

  return router;
}
