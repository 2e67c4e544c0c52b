import type { ObservabilitySpec } from '@redline/backstage-plugin-observability-common';
import {
  designInputSchema,
  designObservability,
} from '@redline/backstage-plugin-observability-common';
import Router from 'express-promise-router';
import type { RouteDeps } from './types';
import { entityRefString, jsonBody, parseOrThrow } from './validation';

// Strict at both levels: a misspelled key (`enviroment`) would otherwise be
// dropped and the design silently ignore what the caller asked for.
const designInput = designInputSchema
  .extend({
    context: designInputSchema.shape.context.unwrap().strict().optional(),
  })
  .strict();

/**
 * The seed's agent contract as an API: its `input_schema` in, its
 * `output_schema` out, shaped by the pillars and stack asked for and, when an
 * entity ref is given, by that entity's metadata.
 * @internal
 */
export function createDesignRouter(deps: RouteDeps) {
  const { httpAuth, entities, metrics, config } = deps;
  const router = Router();

  router.post('/design', jsonBody('64kb'), async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const input = parseOrThrow(designInput, req.body, 'design input');
    let spec: ObservabilitySpec | undefined;
    if (input.entityRef !== undefined) {
      // The catalog would throw a bare TypeError on a malformed ref; answer 400 instead.
      const entityRef = parseOrThrow(
        entityRefString,
        input.entityRef,
        'entityRef',
      );
      spec = entities.describe(
        await entities.load(entityRef, credentials),
      ).spec;
    }
    const output = designObservability(input, spec, config.generator);
    metrics.dashboardsCreated.inc(
      { source: 'design' },
      output.observability_design.dashboards.length,
    );
    res.json(output);
  });

  return router;
}
