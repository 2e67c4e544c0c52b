import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type {
  SloAttainmentHistoryResponse,
  SloAttainmentMonth,
} from '@redline/backstage-plugin-observability-common';
import type { Router } from 'express';
import { z } from 'zod';
import type { CoverageStore } from '../database/CoverageStore';
import { csvCell } from './csvCell';
import { parseOrThrow } from './validation';

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');

/** `GET /coverage/attainment` and `.csv`. @internal */
export const attainmentQuery = z
  .strictObject({
    team: z.string().min(1).max(255).optional(),
    from: month.optional(),
    to: month.optional(),
  })
  .refine(q => !q.from || !q.to || q.from <= q.to, {
    message: 'must not be after "to"',
    path: ['from'],
  });

/** The first and last instant of calendar months (UTC), as the store compares them. */
function monthBounds(from?: string, to?: string) {
  const start = (m: string) => `${m}-01T00:00:00.000Z`;
  const end = (m: string) => {
    const [y, mo] = m.split('-').map(Number);
    return new Date(Date.UTC(y, mo, 1) - 1).toISOString();
  };
  return {
    ...(from ? { from: start(from) } : {}),
    ...(to ? { to: end(to) } : {}),
  };
}

const CSV_COLUMNS = [
  'month',
  'team',
  'evaluatedAt',
  'slos',
  'slosMeasured',
  'slosMeeting',
  'sloMeetingShare',
  'budgetsNearlyExhausted',
  'budgetsExhausted',
] as const satisfies ReadonlyArray<keyof SloAttainmentMonth>;

function csvLine(m: SloAttainmentMonth): string {
  return `${CSV_COLUMNS.map(c => csvCell(m[c])).join(',')}\r\n`;
}

/**
 * SLO attainment by calendar month (UTC) per team: each month's last
 * coverage run (see `SloAttainmentMonth`). Without `team`, every team's
 * months and the overall ones (no team). At most one row per team and
 * month, so the answer stays small without paging.
 */
export function addAttainmentRoutes(
  router: Router,
  options: { store: CoverageStore; httpAuth: HttpAuthService },
): void {
  const { store, httpAuth } = options;
  const months = async (query: unknown) => {
    const q = parseOrThrow(attainmentQuery, query, 'attainment query');
    return store.listMonthlyAttainment({
      ...(q.team ? { team: q.team } : {}),
      ...monthBounds(q.from, q.to),
    });
  };

  router.get('/attainment', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const body: SloAttainmentHistoryResponse = {
      months: await months(req.query),
    };
    res.json(body);
  });

  router.get('/attainment.csv', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const rows = await months(req.query);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      'attachment; filename="slo-attainment.csv"',
    );
    res.send(`${CSV_COLUMNS.join(',')}\r\n${rows.map(csvLine).join('')}`);
  });
}
