import express from 'express';
import Router from 'express-promise-router';
import { createAlertmanagerRouter } from './routes/alertmanager';
import { createApplyRouter } from './routes/apply';
import { createBacktestRouter } from './routes/backtest';
import { createDesignRouter } from './routes/design';
import { createEntityRouter } from './routes/entity';
import { createErrorHygiene } from './routes/errorHygiene';
import { createOpenSloRouter } from './routes/openslo';
import { createSloRouter } from './routes/slos';
import { createSyncRouter } from './routes/sync';
import type { RouteDeps } from './routes/types';
import type { SloStatusService } from './services/SloStatusService';
import type { RuleSyncService } from './sync/RuleSyncService';
import { createTelemetryMiddleware } from './telemetry/middleware';

/** @internal */
export interface RouterOptions extends RouteDeps {
  /** The coverage routes (`/coverage`, `/coverage/history`, …), built by the coverage module. */
  coverageRouter?: express.Router;
  /** The entity SLO status (`/entity/…/slos`); absent in routers built without it. */
  slos?: SloStatusService;
  /** The catalog-wide rule sync (`POST /sync`); absent in routers built without it. */
  sync?: RuleSyncService;
}

/**
 * The plugin's HTTP API. Routes only validate, call a service and answer;
 * errors are thrown as `@backstage/errors` types, reduced to their message
 * (see createErrorHygiene) and rendered by the root router's error
 * middleware.
 * @internal
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(
    createTelemetryMiddleware({
      logger: options.logger,
      metrics: options.metrics,
    }),
  );

  // Prometheus scrapes this without a Backstage token (see addAuthPolicy in
  // plugin.ts). It renders the prom-client copy of the plugin's metrics; the
  // same measurements also go to Backstage's metrics service (see metrics.ts).
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', options.metrics.registry.contentType);
    res.send(await options.metrics.registry.metrics());
  });

  router.use(createEntityRouter(options));
  if (options.slos)
    router.use(createSloRouter({ ...options, slos: options.slos }));
  router.use(createBacktestRouter(options));
  router.use(createOpenSloRouter(options));
  router.use(createApplyRouter(options));
  if (options.sync)
    router.use(createSyncRouter({ ...options, sync: options.sync }));
  router.use(createDesignRouter(options));
  router.use(createAlertmanagerRouter(options));
  if (options.coverageRouter) {
    router.use('/coverage', options.coverageRouter);
  }
  router.use(createErrorHygiene(options.logger));
  return router;
}
