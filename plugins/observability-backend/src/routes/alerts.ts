import { stringifyEntityRef } from '@backstage/catalog-model';
import type { EntityAlertsResponse } from '@redline/backstage-plugin-observability-common';
import Router from 'express-promise-router';
import { getRequestContext } from '../telemetry/context';
import type { RouteDeps } from './types';
import { entityRefFromParams } from './validation';

/**
 * Live alerts of one entity from its Alertmanager (or, without one, from its
 * Prometheus' rule states), grouped and deduplicated. Always answers: an
 * unreachable source is `status: unknown` with the reason.
 * @internal
 */
export function createAlertsRouter(deps: RouteDeps) {
  const { httpAuth, entities, facts, logger } = deps;
  const router = Router();

  router.get('/entity/:kind/:namespace/:name/alerts', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = entityRefFromParams(req.params);
    const entity = await entities.load(ref, credentials);
    const { spec } = entities.describe(entity);
    const alerts = await facts.alerts(spec, getRequestContext(req, logger));
    const body: EntityAlertsResponse = {
      entityRef: stringifyEntityRef(entity),
      ...alerts,
    };
    res.json(body);
  });

  return router;
}
