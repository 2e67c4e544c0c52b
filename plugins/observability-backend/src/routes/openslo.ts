import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  exportOpenSlo,
  renderOpenSloYaml,
} from '@redline/backstage-plugin-observability-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { entityRequest } from './entityRequest';
import type { RouteDeps } from './types';

/** The route takes no query parameters: a misspelt one is a 400, not ignored. */
const noQuery = z.strictObject({});

/**
 * `GET /entity/:kind/:namespace/:name/openslo.yaml`: the entity's SLOs as
 * OpenSLO v1 documents, a download. Like the other downloads it describes
 * at the buckets the service exposes, so a latency SLI's query names the
 * bucket the tab's rules use. An entity without an SLO is a 404: there is
 * nothing to export.
 * @internal
 */
export function createOpenSloRouter(
  deps: Pick<
    RouteDeps,
    'httpAuth' | 'entities' | 'facts' | 'logger' | 'config'
  >,
) {
  const { entities, facts } = deps;
  const router = Router();

  router.get(
    '/entity/:kind/:namespace/:name/openslo.yaml',
    async (req, res) => {
      const { credentials, ctx, entity } = await entityRequest(req, deps, {
        query: noQuery,
      });
      const { spec } = await facts.describeAtLiveBuckets(
        entity,
        (e, options) => entities.describe(e, options),
        { credentials, ctx },
      );
      if (spec.slos.length === 0)
        throw new NotFoundError(
          `${stringifyEntityRef(entity)} declares no SLO`,
        );
      const exported = exportOpenSlo(spec);
      res
        .type('application/yaml')
        .setHeader(
          'Content-Disposition',
          `attachment; filename="${spec.name.replace(
            /[^A-Za-z0-9._-]/g,
            '_',
          )}-openslo.yaml"`,
        )
        .send(renderOpenSloYaml(exported.documents));
    },
  );

  return router;
}
