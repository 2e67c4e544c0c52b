import type {
  HttpAuthService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  COVERAGE_SORT_FIELDS,
  CoverageEntityRow,
  CoverageSortField,
  CoverageRefreshResponse,
  CoverageResponse,
} from '@redline/backstage-plugin-observability-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { CoverageFilter, CoverageStore } from '../database/CoverageStore';
import { COVERAGE_TASK_ID } from '../services/scheduleCoverageEvaluation';
import { parseOrThrow } from './validation';

/** @public */
export interface CoverageRouterOptions {
  store: CoverageStore;
  httpAuth: HttpAuthService;
  /** Used by `POST /refresh` to run the evaluation now. */
  scheduler: Pick<SchedulerService, 'triggerTask'>;
}

/** Repeated (`?owner=a&owner=b`) or comma-separated (`?owner=a,b`) values. */
const list = z
  .union([z.string(), z.array(z.string())], {
    error: 'must be a string or repeated strings',
  })
  .transform(v =>
    (Array.isArray(v) ? v : [v])
      .flatMap(s => s.split(','))
      .map(s => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().max(512, 'each value must be at most 512 characters'))
      .max(100, 'at most 100 values'),
  );

const filterShape = {
  owner: list.optional(),
  system: list.optional(),
  lifecycle: list.optional(),
  kind: list.optional(),
  tier: list.optional(),
  q: z.string().max(200, 'must be at most 200 characters').optional(),
  sort: z.enum(COVERAGE_SORT_FIELDS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
};

const listQuery = z.strictObject({
  ...filterShape,
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(25),
});

// Takes the table's query as is (a client may pass its page along) but
// always exports every matching row.
const exportQuery = listQuery;

const historyQuery = z
  .strictObject({
    team: z.string().min(1).max(255).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .refine(q => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'must not be after "to"',
    path: ['from'],
  });

/** ISO-8601 in UTC with milliseconds: the form the store keeps and compares. */
const toUtc = (iso?: string) => (iso ? new Date(iso).toISOString() : undefined);

/** The filter and order of a validated query, without its paging. */
function filterOf(query: z.output<typeof listQuery>): CoverageFilter & {
  sort?: CoverageSortField;
  order?: 'asc' | 'desc';
} {
  const { owner, system, lifecycle, kind, tier, q, sort, order } = query;
  return { owner, system, lifecycle, kind, tier, q, sort, order };
}

const CSV_COLUMNS = COVERAGE_SORT_FIELDS;

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

function csvLine(row: CoverageEntityRow): string {
  return `${CSV_COLUMNS.map(c => csvCell(row[c])).join(',')}\r\n`;
}

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
  const router = Router();

  router.get('/', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const query = parseOrThrow(listQuery, req.query, 'coverage query');
    const filter = filterOf(query);
    const [{ items, totalItems }, { summary, teams }, evaluatedAt] =
      await Promise.all([
        store.listRows({
          ...filter,
          offset: (query.page - 1) * query.pageSize,
          limit: query.pageSize,
        }),
        store.summarize(filter),
        store.lastEvaluatedAt(),
      ]);
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
    const query = parseOrThrow(historyQuery, req.query, 'history query');
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
      parseOrThrow(exportQuery, req.query, 'coverage query'),
    );
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="coverage.csv"');
    res.write(`${CSV_COLUMNS.join(',')}\r\n`);
    // Batches keep memory flat however large the catalog is.
    for (let offset = 0; ; offset += EXPORT_BATCH) {
      const { items } = await store.listRows({
        ...filter,
        offset,
        limit: EXPORT_BATCH,
      });
      if (items.length > 0) res.write(items.map(csvLine).join(''));
      if (items.length < EXPORT_BATCH) break;
    }
    res.end();
  });

  router.post('/refresh', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    let body: CoverageRefreshResponse = { status: 'triggered' };
    try {
      await scheduler.triggerTask(COVERAGE_TASK_ID);
    } catch (error) {
      // The scheduler refuses to trigger a run in progress: that is fine,
      // fresh results are on their way.
      if (
        !(error instanceof ConflictError) &&
        (error as Error)?.name !== 'ConflictError'
      ) {
        throw error;
      }
      body = { status: 'already-running' };
    }
    res.status(202).json(body);
  });

  return router;
}
