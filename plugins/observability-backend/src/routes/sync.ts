import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  formatSyncPlan,
  observabilityArtifactsApplyPermission,
  type SyncPlan,
} from '@redline/backstage-plugin-observability-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { SyncCounts } from '../sync/applySyncPlan';
import type { RuleSyncService } from '../sync/RuleSyncService';
import { getRequestContext } from '../telemetry/context';
import { jsonBody, parseOrThrow } from './validation';

const syncBody = z
  .object({
    target: z
      .string()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters'),
    dryRun: z.boolean().optional(),
  })
  .strict();

/** The answer of `POST /sync`. @internal */
export interface SyncResponse {
  target: string;
  dryRun: boolean;
  plan: SyncPlan;
  /** The plan as a dry run prints it. */
  formatted: string[];
  entities: number;
  undescribed: Array<{ entityRef: string; message: string }>;
  applied?: SyncCounts;
  durationMs: number;
}

/**
 * `POST /sync`: makes a rule target match the catalog, or with `dryRun`
 * says what that would change. Writing needs the apply permission; a dry
 * run any reader may ask for, planned over the entities they can see.
 * @internal
 */
export function createSyncRouter(deps: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  sync: RuleSyncService;
}) {
  const { httpAuth, permissions, auditor, logger, sync } = deps;
  const router = Router();

  router.post('/sync', jsonBody(), async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parseOrThrow(syncBody, req.body ?? {}, 'request body');
    const target = sync.target(body.target);
    const mayWrite = await allowedToApply(credentials);
    const ctx = getRequestContext(req, logger);
    const actor = actorOf(credentials);

    if (body.dryRun) {
      const result = await sync.run({
        target: target.name,
        dryRun: true,
        actor,
        ...(mayWrite ? {} : { credentials }),
        ctx,
      });
      res.json(answer(target.name, true, result));
      return;
    }

    const event = await auditor.createEvent({
      eventId: 'rules-sync',
      severityLevel: 'medium',
      request: req,
      meta: { target: target.name },
    });
    try {
      if (!mayWrite) {
        throw new NotAllowedError(
          `Syncing rules needs the permission ${observabilityArtifactsApplyPermission.name}; a dry run does not`,
        );
      }
      const result = await sync.run({ target: target.name, actor, ctx });
      await event.success({
        meta: {
          target: target.name,
          writes: result.plan.writes.length,
          deletes: result.plan.deletes.length,
          failed: result.applied?.failed ?? 0,
        },
      });
      res.json(answer(target.name, false, result));
    } catch (error) {
      await event.fail({
        error: error instanceof Error ? error : new Error(String(error)),
      });
      throw error;
    }
  });

  async function allowedToApply(credentials: BackstageCredentials) {
    const [decision] = await permissions.authorize(
      [{ permission: observabilityArtifactsApplyPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  return router;
}

function answer(
  target: string,
  dryRun: boolean,
  result: Awaited<ReturnType<RuleSyncService['run']>>,
): SyncResponse {
  return {
    target,
    dryRun,
    plan: result.plan,
    formatted: formatSyncPlan(result.plan),
    entities: result.entities,
    undescribed: result.undescribed,
    ...(result.applied ? { applied: result.applied } : {}),
    durationMs: result.durationMs,
  };
}

function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? principal.type;
}
