import { stringifyEntityRef } from '@backstage/catalog-model';
import type { EntitySloResponse } from '@redline/backstage-plugin-observability-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { SloStatusService } from '../services/SloStatusService';
import { entityRequest } from './entityRequest';
import type { RouteDeps } from './types';

/** The route takes no query parameters: a misspelt one is a 400, not ignored. */
const noQuery = z.strictObject({});

/**
 * `GET /entity/:kind/:namespace/:name/slos`: the entity's SLO status (see
 * `SloStatusService`). Same rules as the view: the caller's credentials
 * read the entity (unknown → 404), the view's deadline bounds the
 * Prometheus questions, and Prometheus being down is a 200 that says so.
 * @internal
 */
export function createSloRouter(
  deps: Pick<RouteDeps, 'httpAuth' | 'entities' | 'logger' | 'config'> & {
    slos: SloStatusService;
  },
) {
  const { slos } = deps;
  const router = Router();

  router.get('/entity/:kind/:namespace/:name/slos', async (req, res) => {
    const { credentials, ctx, entity } = await entityRequest(req, deps, {
      query: noQuery,
    });
    const body: EntitySloResponse = await slos.status(entity, {
      credentials,
      ctx,
    });
    ctx.logger.debug(
      `slos of ${stringifyEntityRef(entity)}: prometheus ${
        body.prometheus.status
      }`,
    );
    res.type('application/json').send(JSON.stringify(body));
  });

  return router;
}
