import type {
  AuditorService,
  AuditorServiceEvent,
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
import type { SyncResult } from '../sync/CatalogRuleSync';
import type { RuleSyncService } from '../sync/RuleSyncService';
import type {
  StartedSyncRun,
  SyncOutline,
  SyncRun,
  SyncRunStatus,
} from '../sync/SyncRuns';
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

/** The answer of a dry run, and the findings of a finished run. @internal */
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
 * A sync that writes, as `POST /sync` (202) and `GET /sync/runs/:id`
 * answer it: once succeeded it carries what a dry run answers, once failed
 * an `error` for people.
 * @internal
 */
export type SyncRunResponse = {
  id: string;
  target: string;
  dryRun: false;
  status: SyncRunStatus;
  startedAt: string;
  finishedAt?: string;
  actor: string;
  error?: string;
  /** In place of the findings, on a run older than the plans kept. */
  outline?: SyncOutline;
} & Partial<Omit<SyncResponse, 'target' | 'dryRun'>>;

/**
 * `POST /sync`: makes a rule target match the catalog in the background
 * (202 and the run, or the run already going for that target), or with
 * `dryRun` answers at once what that would change. Writing needs the apply
 * permission; a dry run any reader may ask for, planned over the entities
 * they can see. `GET /sync/runs/:id` follows a run.
 * @internal
 */
export function createSyncRouter(deps: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  sync: Pick<RuleSyncService, 'target' | 'run' | 'runs'>;
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
    const actor = actorOf(credentials);

    if (body.dryRun) {
      // Writes nothing and the reader wants the plan: answered in the
      // request, and stopped with it.
      const result = await sync.run({
        target: target.name,
        dryRun: true,
        actor,
        ...(mayWrite ? {} : { credentials }),
        ctx: getRequestContext(req, logger),
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
    let started: StartedSyncRun;
    try {
      if (!mayWrite) {
        throw new NotAllowedError(
          `Syncing rules needs the permission ${observabilityArtifactsApplyPermission.name}; a dry run does not`,
        );
      }
      started = sync.runs.start({ target: target.name, actor });
    } catch (error) {
      await event.fail({ error: asError(error) });
      throw error;
    }
    void started.finished.then(run =>
      auditRunEnd(event, run, started.joined).catch(error =>
        logger.warn(`Could not audit the end of sync run ${run.id}: ${error}`),
      ),
    );
    res
      .status(202)
      .location(
        `${req.baseUrl}/sync/runs/${encodeURIComponent(started.run.id)}`,
      )
      .json(runAnswer(started.run));
  });

  // A run that writes plans over the whole catalog, so its plan may name
  // entities hidden from a reader: only those who may sync follow runs.
  router.get('/sync/runs/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if (!(await allowedToApply(credentials))) {
      throw new NotAllowedError(
        `Following a sync needs the permission ${observabilityArtifactsApplyPermission.name}, as starting one does`,
      );
    }
    res.json(runAnswer(sync.runs.get(req.params.id)));
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

/** Ends a write sync's audit event with how its run ended. */
async function auditRunEnd(
  event: AuditorServiceEvent,
  run: SyncRun,
  joined: boolean,
): Promise<void> {
  const meta = { target: run.target, runId: run.id, joined };
  if (run.status === 'succeeded' && run.result) {
    await event.success({
      meta: {
        ...meta,
        writes: run.result.plan.writes.length,
        deletes: run.result.plan.deletes.length,
        failed: run.result.applied?.failed ?? 0,
      },
    });
  } else {
    await event.fail({
      error: new Error(run.error ?? 'The sync failed'),
      meta,
    });
  }
}

function answer(
  target: string,
  dryRun: boolean,
  result: SyncResult,
): SyncResponse {
  return { target, dryRun, ...findings(result) };
}

function findings(result: SyncResult): Omit<SyncResponse, 'target' | 'dryRun'> {
  return {
    plan: result.plan,
    formatted: formatSyncPlan(result.plan),
    entities: result.entities,
    undescribed: result.undescribed,
    ...(result.applied ? { applied: result.applied } : {}),
    durationMs: result.durationMs,
  };
}

function runAnswer(run: SyncRun): SyncRunResponse {
  const { result, ...rest } = run;
  return { ...rest, dryRun: false, ...(result ? findings(result) : {}) };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? principal.type;
}
