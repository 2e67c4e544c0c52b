import {
  BACKTEST_DEFAULT_DAYS,
  BACKTEST_MAX_DAYS,
  type BacktestReport,
} from '@redline/backstage-plugin-observability-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { BacktestService } from '../services/BacktestService';
import { entityRequest } from './entityRequest';
import type { RouteDeps } from './types';

/**
 * A backtest is its own request with its own deadline: its range queries
 * span days, so the entity view's deadline must neither bound them nor be
 * spent on them.
 */
export const BACKTEST_DEADLINE_MS = 30_000;

/**
 * A threshold override is annotation text: its meaning is checked by the
 * annotation's own parser in the describe step; here only its size.
 */
const thresholdText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .optional();

const backtestQuery = z.strictObject({
  errorRateThreshold: thresholdText,
  latencyP99Threshold: thresholdText,
  rateDropThreshold: thresholdText,
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
 * beside what `ALERTS` says the deployed alert did. With
 * `errorRateThreshold`, `latencyP99Threshold` or `rateDropThreshold` (the
 * annotations' text, e.g. `2`, `750ms`), it backtests the alerts those
 * thresholds would generate instead.
 * @internal
 */
export function createBacktestRouter(
  deps: Pick<
    RouteDeps,
    'httpAuth' | 'entities' | 'facts' | 'logger' | 'config'
  >,
) {
  const { entities, facts } = deps;
  const service = BacktestService.create({ entities, facts });
  const router = Router();

  router.get('/entity/:kind/:namespace/:name/backtest', async (req, res) => {
    const { credentials, query, ctx, entity } = await entityRequest(req, deps, {
      query: backtestQuery,
      deadlineMs: BACKTEST_DEADLINE_MS,
    });
    const body: BacktestReport = await service.backtest(entity, {
      days: query.days ?? BACKTEST_DEFAULT_DAYS,
      instance: query.instance,
      thresholds: {
        errorRateThreshold: query.errorRateThreshold,
        latencyP99Threshold: query.latencyP99Threshold,
        rateDropThreshold: query.rateDropThreshold,
      },
      credentials,
      ctx,
    });
    res.type('application/json').send(JSON.stringify(body));
  });

  return router;
}
