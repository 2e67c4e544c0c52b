import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  ArtifactGenerator,
  Check,
  observabilityPermissions,
} from '@redline/backstage-plugin-observability-common';
import {
  observabilityChecksExtensionPoint,
  observabilityGeneratorsExtensionPoint,
  observabilityRuleTargetsExtensionPoint,
} from './extensions';
import { DatabaseRememberedRowStore } from './database/DatabaseRememberedRowStore';
import { DatabaseCoverageStore } from './database/DatabaseCoverageStore';
import { createRouter } from './router';
import type { RuleTargetKind } from './ruleTargets/RuleTarget';
import { withRuleTargetKinds } from './ruleTargets/registry';
import { createCoverageRouter } from './routes/coverage';
import { CoverageEvaluator } from './services/CoverageEvaluator';
import { SloAttainmentBatch } from './services/SloAttainmentBatch';
import { createObservabilityServices } from './services/createServices';
import { scheduleCoverageEvaluation } from './services/scheduleCoverageEvaluation';
import { RuleSyncService } from './sync/RuleSyncService';
import { scheduleCatalogSync } from './sync/scheduleCatalogSync';
import { readSyncConfig } from './sync/syncConfig';
import { backgroundContext } from './telemetry/context';

/**
 * Redline's backend plugin: per-entity artifacts and checks, live alerts,
 * design, apply to Prometheus, coverage, and its own `/metrics`.
 * @public
 */
export const observabilityPlugin = createBackendPlugin({
  pluginId: 'observability',
  register(env) {
    const generators: ArtifactGenerator[] = [];
    const checks: Check[] = [];
    env.registerExtensionPoint(observabilityGeneratorsExtensionPoint, {
      addGenerator: (...added) => generators.push(...added),
    });
    env.registerExtensionPoint(observabilityChecksExtensionPoint, {
      addCheck: (...added) => checks.push(...added),
    });
    const addedRuleTargetKinds: RuleTargetKind[] = [];
    env.registerExtensionPoint(observabilityRuleTargetsExtensionPoint, {
      addRuleTargetKind: (...added) => addedRuleTargetKinds.push(...added),
    });
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        auditor: coreServices.auditor,
        metrics: metricsServiceRef,
        urlReader: coreServices.urlReader,
      },
      async init(deps) {
        const {
          logger,
          httpRouter,
          httpAuth,
          permissions,
          permissionsRegistry,
        } = deps;
        permissionsRegistry.addPermissions(observabilityPermissions);
        const ruleTargetKinds = withRuleTargetKinds(addedRuleTargetKinds);

        // Both stores open the database through migrateObservabilityDatabase,
        // so the plugin's migrations run once, before either store is used.
        const coverageStore = await DatabaseCoverageStore.create({
          database: deps.database,
        });
        const services = await createObservabilityServices({
          rootConfig: deps.config,
          database: deps.database,
          catalog: deps.catalog,
          logger,
          metrics: deps.metrics,
          urlReader: deps.urlReader,
          generators,
          checks,
          ruleTargetKinds,
        });

        const evaluator = CoverageEvaluator.create({
          catalog: deps.catalog,
          auth: deps.auth,
          store: coverageStore,
          logger: logger.child({ task: 'coverage' }),
          describer: services.entities,
          remembered: await DatabaseRememberedRowStore.create({
            database: deps.database,
          }),
          newFactCycle: ({ credentials, signal }) =>
            services.facts.cycle({
              credentials,
              ctx: backgroundContext(logger, { task: 'coverage' }, signal),
              batch: true,
            }),
          newSloAttainment: ({ signal, nowMs }) => {
            const ctx = backgroundContext(logger, { task: 'coverage' }, signal);
            return new SloAttainmentBatch({
              config: services.entities.generatorConfig,
              nowMs,
              query: async (spec, promql, time) => {
                const { client, reason } = services.facts.prometheusFor(spec);
                if (!client) throw new Error(reason ?? 'no Prometheus');
                return client.query(promql, time, ctx);
              },
              onQueryFailed: (instance, error) =>
                logger.warn(
                  `Coverage: SLO attainment query on ${
                    instance ?? 'the default Prometheus'
                  } failed, its SLOs have no data this run: ${error}`,
                ),
            });
          },
        });
        await scheduleCoverageEvaluation({
          scheduler: deps.scheduler,
          config: deps.config,
          logger,
          evaluator,
          store: coverageStore,
        });
        const syncConfig = readSyncConfig(
          deps.config,
          services.config.ruleTargets.map(t => t.name),
        );
        const sync = RuleSyncService.create({
          targets: services.config.ruleTargets,
          kinds: ruleTargetKinds,
          http: services.http,
          catalog: deps.catalog,
          auth: deps.auth,
          describer: services.entities,
          applyLog: services.applyLog,
          logger,
          limits: syncConfig.limits,
        });
        deps.lifecycle.addShutdownHook(() => sync.runs.stop());
        await scheduleCatalogSync({
          scheduler: deps.scheduler,
          logger,
          sync,
          config: syncConfig,
        });
        const coverageRouter = await createCoverageRouter({
          store: coverageStore,
          httpAuth,
          scheduler: deps.scheduler,
          logger,
        });

        httpRouter.addAuthPolicy({
          path: '/metrics',
          allow: 'unauthenticated',
        });
        httpRouter.use(
          await createRouter({
            logger,
            auditor: deps.auditor,
            httpAuth,
            permissions,
            ...services,
            coverageRouter,
            sync,
          }),
        );
      },
    });
  },
});
