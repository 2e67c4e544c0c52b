import type { Request } from 'express';
import type { z } from 'zod';
import { getRequestContext, withDeadline } from '../telemetry/context';
import type { RouteDeps } from './types';
import { entityRefFromParams, parseOrThrow } from './validation';

/**
 * What every GET about one entity starts with, as the tab's view does: the
 * caller's credentials (so catalog permissions apply), its query read
 * against the route's schema (a misspelt parameter is a 400, not ignored),
 * a deadline on everything the answer asks of others (the view's unless the
 * route has its own), and the entity (unknown → 404).
 * @internal
 */
export async function entityRequest<Q extends z.ZodType>(
  req: Request,
  deps: Pick<RouteDeps, 'httpAuth' | 'entities' | 'logger' | 'config'>,
  options: { query: Q; deadlineMs?: number },
) {
  const credentials = await deps.httpAuth.credentials(req, {
    allow: ['user', 'service'],
  });
  const ref = entityRefFromParams(req.params);
  const query = parseOrThrow(options.query, req.query, 'query');
  const ctx = withDeadline(
    getRequestContext(req, deps.logger),
    options.deadlineMs ?? deps.config.view.deadlineMs,
  );
  const entity = await deps.entities.loadForView(ref, credentials, ctx);
  return { credentials, query, ctx, entity };
}
