import {
  BACKTEST_DEFAULT_DAYS,
  BACKTEST_MAX_DAYS,
  type BacktestReport,
} from '@redline/backstage-plugin-observability-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { BacktestService } from '../services/BacktestService';
import { getRequestContext, withDeadline } from '../telemetry/context';
import type { RouteDeps } from './types';
import { entityRefFromParams, parseOrThrow } from './validation';

/**
 * A backtest is its own request with its own deadline: its range queries
 * span days, so the entity view's deadline must neither bound them nor be
 * spent on them.
 */
export const BACKTEST_DEADLINE_MS = 30_000;

const backtestQuery = z.strictObject({
  days: z
    .string()
    .regex(
      /^\d+$/,
      `must be a whole number of days from 1 to ${BACKTEST_MAX_DAYS}`,
    )
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, `must be a whole number of days from 1 to ${BACKTEST_MAX_DAYS}`)
        .max(BACKTEST_MAX_DAYS, `must be at most ${BACKTEST_MAX_DAYS} days`),
    )
    .optional(),
  instance: z
    .string()
    .min(1, 'must name a configured Prometheus instance')
    .max(200, 'must be at most 200 characters')
    .optional(),
});

/**
 * `GET /entity/:kind/:namespace/:name/backtest?days=7&instance=`: how often
 * each generated alert of the entity would have fired over the last days,
 * beside what `ALERTS` says the deployed alert did.
 * @internal
 */
export function createBacktestRouter(
  deps: Pick<RouteDeps, 'httpAuth' | 'entities' | 'facts' | 'logger'>,
) {
  const { httpAuth, entities, facts, logger } = deps;
  const service = BacktestService.create({ entities, facts });
  const router = Router();

  router.get('/entity/:kind/:namespace/:name/backtest', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = entityRefFromParams(req.params);
    const query = parseOrThrow(backtestQuery, req.query, 'query');
    const ctx = withDeadline(
      getRequestContext(req, logger),
      BACKTEST_DEADLINE_MS,
    );
    const entity = await entities.loadForView(ref, credentials, ctx);
    const body: BacktestReport = await service.backtest(entity, {
      days: query.days ?? BACKTEST_DEFAULT_DAYS,
      instance: query.instance,
      credentials,
      ctx,
    });
    res.type('application/json').send(JSON.stringify(body));
  });

  return router;
}
