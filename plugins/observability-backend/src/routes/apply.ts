import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  APPLICABLE_ARTIFACTS,
  ApplyHistoryResponse,
  ApplyPreviewResponse,
  ApplyResponse,
  observabilityArtifactsApplyPermission,
  ownerRefOf,
} from '@redline/backstage-plugin-observability-common';
import type { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { getRequestContext } from '../telemetry/context';
import type { RuleTarget } from '../ruleTargets/RuleTarget';
import type { ApplyRequest } from '../services/ArtifactApplier';
import type { RuleSyncService } from '../sync/RuleSyncService';
import { fileSelectionSchema, selectFiles } from './fileSelection';
import type { RouteDeps } from './types';
import { entityRefFromParams, jsonBody, parseOrThrow } from './validation';

const name = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

const applyBody = z
  .object({
    instance: name.optional(),
    /** A rule target from `observability.ruleTargets`, instead of the instance's rules directory. */
    target: name.optional(),
    files: fileSelectionSchema.optional(),
  })
  .strict()
  .refine(body => !(body.instance && body.target), {
    path: ['target'],
    message:
      'cannot be given with instance: the rules go either to a rule target or to a Prometheus instance',
  });

/**
 * Writes an entity's generated Prometheus rules where they are evaluated:
 * through the rule target the request or the entity
 * (`redline.dev/rule-target`) names, else into its Prometheus instance's
 * rules directory. A request's `instance` or `target` wins over the
 * entity's choice. Gated by `observability.artifacts.apply`.
 * @internal
 */
export function createApplyRouter(
  deps: RouteDeps & { sync?: Pick<RuleSyncService, 'target'> },
) {
  const {
    httpAuth,
    permissions,
    entities,
    facts,
    applier,
    applyLog,
    metrics,
    logger,
    auditor,
    config,
  } = deps;
  const router = Router();

  /**
   * The configured target of that name. One the request names but that is
   * not configured is bad input (400); one the entity `namingEntity` names
   * is a conflict with the portal's config (409). Both name the configured
   * ones.
   */
  function ruleTarget(targetName: string, namingEntity?: string): RuleTarget {
    const known = config.ruleTargets.map(t => t.name);
    if (deps.sync && known.includes(targetName))
      return deps.sync.target(targetName);
    const configured = known.length
      ? `configured rule targets: ${known.join(', ')}`
      : 'no rule targets are configured (observability.ruleTargets)';
    if (!namingEntity)
      throw new InputError(
        `Invalid target: '${targetName}' is not a configured rule target; ${configured}`,
      );
    throw new ConflictError(
      `Cannot apply rules for ${namingEntity}: its annotation redline.dev/rule-target names '${targetName}', which is not a configured rule target; ${configured}`,
    );
  }

  router.post(
    '/entity/:kind/:namespace/:name/apply',
    jsonBody(),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      // Every authenticated attempt is audited, refusals and bad input
      // included: a denied or failed write to a Prometheus rules directory is
      // as much an audit fact as a successful one. Only validated values go
      // into the event's meta.
      const ref = validOrUndefined(() => entityRefFromParams(req.params));
      const body = applyBody.safeParse(req.body ?? {});
      const auditorEvent = await auditor.createEvent({
        eventId: 'artifacts-apply',
        severityLevel: 'medium',
        request: req,
        meta: {
          ...(ref ? { entityRef: stringifyEntityRef(ref) } : {}),
          ...(body.success && body.data.instance
            ? { instance: body.data.instance }
            : {}),
          ...(body.success && body.data.target
            ? { target: body.data.target }
            : {}),
          ...(body.success && body.data.files
            ? { files: body.data.files }
            : {}),
        },
      });
      let result: ApplyResponse;
      try {
        result = await applyRules(req, credentials);
      } catch (error) {
        await auditorEvent.fail({
          error: error instanceof Error ? error : new Error(String(error)),
        });
        throw error;
      }
      await auditorEvent.success({
        meta: {
          entityRef: result.entityRef,
          instance: result.instance,
          ...(result.target ? { target: result.target } : {}),
          changed: result.changed,
          path: result.path,
          validated: result.validated,
          reloadStatus: result.reload.status,
        },
      });
      res.json(result);
    },
  );

  router.post(
    '/entity/:kind/:namespace/:name/apply/preview',
    jsonBody(),
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      await authorizeApply(credentials);
      const { request, ctx } = await applyRequest(req, credentials);
      const body: ApplyPreviewResponse = await applier.preview(request, ctx);
      res.json(body);
    },
  );

  async function authorizeApply(credentials: BackstageCredentials) {
    const [decision] = await permissions.authorize(
      [{ permission: observabilityArtifactsApplyPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Applying rules needs the permission ${observabilityArtifactsApplyPermission.name}`,
      );
    }
  }

  /** The apply the request asks for; `alertCount` is known once resolved. */
  async function applyRequest(req: Request, credentials: BackstageCredentials) {
    const ref = entityRefFromParams(req.params);
    const body = parseOrThrow(applyBody, req.body ?? {}, 'request body');
    const requestedTarget =
      body.target === undefined ? undefined : ruleTarget(body.target);
    const entity = await entities.load(ref, credentials);
    const entityRef = stringifyEntityRef(entity);
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    const ctx = getRequestContext(req, logger);
    const resolved: { alertCount: number; targetType?: string } = {
      alertCount: 0,
    };

    const request: ApplyRequest = {
      entityRef,
      appliedBy: principal.userEntityRef ?? principal.subject ?? principal.type,
      instance: body.instance ?? body.target,
      resolve: async () => {
        // The rules the tab shows: latency SLOs at the live buckets.
        const { spec, artifacts } = await facts.describeAtLiveBuckets(
          entity,
          (e, options) => entities.describe(e, options),
          { credentials, ctx },
        );
        const selected = selectFiles(
          artifacts.files,
          body.files,
          'files',
          entityRef,
        );
        body.files?.forEach((id, index) => {
          if (!APPLICABLE_ARTIFACTS.includes(id)) {
            throw new InputError(
              `Invalid files[${index}]: '${id}' cannot be applied to Prometheus; Apply writes only ${APPLICABLE_ARTIFACTS.join(
                ', ',
              )} (download or propose the other files)`,
            );
          }
        });
        const rulesFile = selected.find(f => f.id === 'prometheus-rules');
        resolved.alertCount = artifacts.rules.groups
          .flatMap(group => group.rules)
          .filter(rule => 'alert' in rule).length;
        const target =
          requestedTarget ??
          (body.instance === undefined && spec.ruleTarget !== undefined
            ? ruleTarget(spec.ruleTarget, entityRef)
            : undefined);
        if (target) {
          resolved.targetType = target.type;
          // An empty list would delete the namespace: refuse it like an
          // empty rules file.
          if (!rulesFile || artifacts.rules.groups.length === 0) {
            throw new ConflictError(
              `No Prometheus rules were generated for ${entityRef}`,
            );
          }
          // The groups the rules file is rendered from: what promtool checks
          // and what the target holds are the same rules.
          return {
            target,
            groups: artifacts.rules.groups,
            owner: ownerRefOf(entity),
          };
        }
        const { client: prometheus, reason } = facts.prometheusFor({
          ...spec,
          prometheusInstance: body.instance ?? spec.prometheusInstance,
        });
        if (!prometheus) {
          throw new ConflictError(
            `Cannot apply rules for ${entityRef}: ${reason}`,
          );
        }
        if (!rulesFile) {
          throw new ConflictError(
            `No Prometheus rules were generated for ${entityRef}`,
          );
        }
        return { rules: rulesFile.content, prometheus };
      },
    };
    return { request, ctx, resolved };
  }

  async function applyRules(
    req: Request,
    credentials: BackstageCredentials,
  ): Promise<ApplyResponse> {
    await authorizeApply(credentials);
    const { request, ctx, resolved } = await applyRequest(req, credentials);
    const result = await applier.apply(request, ctx);
    if (result.changed)
      metrics.alertsConfigured.inc(
        {
          target: result.target
            ? resolved.targetType ?? 'rule-target'
            : 'prometheus',
        },
        resolved.alertCount,
      );
    return result;
  }

  router.get('/entity/:kind/:namespace/:name/apply', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const entity = await entities.load(
      entityRefFromParams(req.params),
      credentials,
    );
    const entityRef = stringifyEntityRef(entity);
    const body: ApplyHistoryResponse = {
      entityRef,
      items: (await applyLog.list(entityRef)).map(entry => ({
        instance: entry.instance,
        path: entry.path,
        changed: entry.changed,
        validated: entry.validated,
        reload: {
          status: entry.reloadStatus,
          ...(entry.reloadMessage ? { message: entry.reloadMessage } : {}),
        },
        outcome: entry.outcome,
        ...(entry.message ? { message: entry.message } : {}),
        appliedBy: entry.appliedBy,
        appliedAt: entry.appliedAt.toISOString(),
      })),
    };
    res.json(body);
  });

  return router;
}

function validOrUndefined<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}
