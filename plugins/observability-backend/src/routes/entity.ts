import path from 'node:path';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  EntityViewResponse,
  RunbookResponse,
  toEntityView,
} from '@redline/backstage-plugin-observability-common';
import type { Request } from 'express';
import Router from 'express-promise-router';
import JSZip from 'jszip';
import { z } from 'zod';
import { ApplyPermissionCheck } from '../services/ApplyPermissionCheck';
import { CALLER_ANSWER_TTL_MS } from '../services/callerKey';
import { cancelled, settleOnAbort } from '../services/OutboundHttp';
import {
  getRequestContext,
  passedDeadline,
  withDeadline,
} from '../telemetry/context';
import type { RouteDeps } from './types';
import { fileSelectionSchema, selectFiles } from './fileSelection';
import { entityRefFromParams, parseOrThrow } from './validation';

const ENTITY = '/entity/:kind/:namespace/:name';

const artifactIdSchema = z
  .string()
  .max(200, 'must be at most 200 characters')
  .regex(
    /^(?:[a-z][a-z-]*|runbook:[A-Za-z0-9_:.-]+)$/,
    'must be an artifact id like prometheus-rules or runbook:HighErrorRate',
  );
const bundleQuery = z.object({
  file: z
    .preprocess(
      value => (typeof value === 'string' ? [value] : value),
      fileSelectionSchema,
    )
    .optional(),
});
const alertNameSchema = z
  .string()
  .max(200, 'must be at most 200 characters')
  .regex(
    /^[A-Za-z_][A-Za-z0-9_:.-]*$/,
    'must be an alert name like HighErrorRate',
  );

/**
 * `parts=static`: the view without Prometheus, for a tab that shows the
 * design at once and fills in live parts when Prometheus answers.
 */
const viewQuery = z.object({ parts: z.enum(['static']).optional() });

/** `attachment; filename="x"` with a UTF-8 fallback for names outside ASCII. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(
    fileName,
  )}`;
}

/**
 * Per-entity routes: the tab's view, artifact downloads, the zip bundle and
 * runbooks.
 * @internal
 */
export function createEntityRouter(deps: RouteDeps) {
  const { httpAuth, entities, facts, permissions, logger, metrics, config } =
    deps;
  const router = Router();
  const applyPermission = new ApplyPermissionCheck({
    permissions,
    ttlMs: CALLER_ANSWER_TTL_MS,
  });

  /**
   * The request's context with the view's deadline: at it, outbound calls
   * and their retries stop and the answer goes out with what arrived.
   */
  function timedContext(req: Request) {
    return withDeadline(getRequestContext(req, logger), config.view.deadlineMs);
  }

  async function loadEntity(
    req: Request,
    credentials: BackstageCredentials,
    ctx = getRequestContext(req, logger),
  ) {
    const ref = entityRefFromParams(req.params);
    return entities.loadForView(ref, credentials, ctx);
  }

  /** Downloads carry what the tab shows: latency SLOs at the live buckets. */
  async function describeForDownload(
    req: Request,
    credentials: BackstageCredentials,
  ) {
    const ctx = timedContext(req);
    const entity = await loadEntity(req, credentials, ctx);
    // Past the deadline the live-bucket question has failed and the
    // configured buckets apply, as in the view.
    const description = await facts.describeAtLiveBuckets(
      entity,
      (e, options) => entities.describe(e, options),
      { credentials, ctx },
    );
    return { entity, ...description };
  }

  router.get(ENTITY, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { parts } = parseOrThrow(viewQuery, req.query, 'query');
    const ctx = timedContext(req);
    const entity = await loadEntity(req, credentials, ctx);
    const configured = entities.describe(entity);
    const onlyStatic = parts === 'static';

    const [{ description, gathered }, live, evaluator, canApply] =
      await Promise.all([
        onlyStatic
          ? facts
              .cycle({ credentials, ctx, prometheus: false })
              .gather(configured)
              .then(found => ({ description: configured, gathered: found }))
          : facts
              .cycle({ credentials, ctx })
              .gatherAtLiveBuckets(configured, observedBuckets =>
                entities.describe(entity, { observedBuckets }),
              ),
        // RED targets do not depend on the buckets, so live values need not
        // wait for the bucket question.
        onlyStatic
          ? undefined
          : facts.liveValues(configured.spec, configured.redTargets, ctx),
        onlyStatic ? undefined : facts.evaluator(configured.spec, ctx),
        // Only a hint for the tab (apply asks again): past the deadline, no.
        settleOnAbort(
          applyPermission.allowed(credentials, ctx),
          ctx.signal,
          () => cancelled('permissions', 0, ctx),
        ).catch(error => {
          if (passedDeadline(ctx)) return false;
          throw error;
        }),
      ]);
    const { spec } = description;
    if (gathered.alerts.source) {
      metrics.incidentsAnalyzed.inc(
        { source: gathered.alerts.source },
        gathered.alerts.alerts.filter(a => a.state === 'firing').length,
      );
    }
    if (gathered.alerts.message)
      ctx.logger.warn(gathered.alerts.message, {
        service: spec.serviceName.value,
      });

    const body: EntityViewResponse = toEntityView({
      entityRef: stringifyEntityRef(entity),
      description,
      gathered,
      checks: entities.check(description, gathered.facts),
      live,
      canApply,
    });
    if (onlyStatic) body.parts = 'static';
    if (evaluator) body.evaluator = evaluator;
    const links = facts.uiLinks(spec);
    if (links.prometheusUrl || links.alertmanagerUrl) body.links = links;
    // Compact in every mode: Backstage indents JSON in development, which
    // would make the tab's answer a third larger there than in production.
    res.type('application/json').send(JSON.stringify(body));
  });

  router.get(`${ENTITY}/artifacts/:artifactId`, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const artifactId = parseOrThrow(
      artifactIdSchema,
      req.params.artifactId,
      'artifactId',
    );
    const { entity, artifacts } = await describeForDownload(req, credentials);
    const file = artifacts.files.find(f => f.id === artifactId);
    if (!file) {
      throw new NotFoundError(
        `No artifact '${artifactId}' for ${stringifyEntityRef(
          entity,
        )} (available: ${artifacts.files.map(f => f.id).join(', ')})`,
      );
    }
    if (file.id === 'grafana-dashboard')
      metrics.dashboardsCreated.inc({ source: 'download' });
    res.setHeader('Content-Type', `${file.mediaType}; charset=utf-8`);
    res.setHeader(
      'Content-Disposition',
      attachment(`${artifacts.serviceName}-${path.posix.basename(file.path)}`),
    );
    res.send(file.content);
  });

  router.get(`${ENTITY}/bundle.zip`, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    // `?file=a&file=b`: the files ticked in the dialog; none: all of them.
    const { file: selection } = parseOrThrow(
      bundleQuery,
      { file: req.query.file },
      'query',
    );
    const { entity, artifacts } = await describeForDownload(req, credentials);
    const files = selectFiles(
      artifacts.files,
      selection,
      'file',
      stringifyEntityRef(entity),
    );
    if (files.some(f => f.id === 'grafana-dashboard')) {
      metrics.dashboardsCreated.inc({ source: 'bundle' });
    }
    const zip = new JSZip();
    const folder = zip.folder(artifacts.serviceName)!;
    for (const file of files) {
      folder.file(file.path, file.content, { date: new Date(0) });
    }
    const buffer = await zip.generateAsync({
      type: 'nodebuffer',
      compression: 'DEFLATE',
    });
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader(
      'Content-Disposition',
      attachment(`${artifacts.serviceName}-observability.zip`),
    );
    res.send(buffer);
  });

  router.get(`${ENTITY}/runbooks/:alert`, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const alert = parseOrThrow(alertNameSchema, req.params.alert, 'alert');
    const { entity, artifacts } = await describeForDownload(req, credentials);
    const runbook = artifacts.runbooks.find(r => r.alert === alert);
    if (!runbook) {
      throw new NotFoundError(
        `No runbook for alert '${alert}' on ${stringifyEntityRef(
          entity,
        )} (available: ${artifacts.runbooks.map(r => r.alert).join(', ')})`,
      );
    }
    const body: RunbookResponse = {
      entityRef: stringifyEntityRef(entity),
      alert: runbook.alert,
      title: runbook.title,
      path: runbook.path,
      markdown: runbook.markdown,
    };
    res.json(body);
  });

  return router;
}
