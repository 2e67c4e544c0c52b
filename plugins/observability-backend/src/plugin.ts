import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { observabilityPermissions } from '@redline/backstage-plugin-observability-common';
import { DatabaseCoverageStore } from './database/DatabaseCoverageStore';
import { createRouter } from './router';
import { createCoverageRouter } from './routes/coverage';
import { CoverageEvaluator } from './services/CoverageEvaluator';
import { createObservabilityServices } from './services/createServices';
import { PrometheusLiveFacts } from './services/PrometheusLiveFacts';
import { scheduleCoverageEvaluation } from './services/scheduleCoverageEvaluation';

/**
 * Redline's backend plugin: per-entity artifacts and checks, live alerts,
 * design, apply to Prometheus, coverage, and its own `/metrics`.
 * @public
 */
export const observabilityPlugin = createBackendPlugin({
  pluginId: 'observability',
  register(env) {
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
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
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

        // The coverage store runs the plugin's migrations (coverage tables and
        // apply_log) before anything else touches the database.
        const coverageStore = await DatabaseCoverageStore.create({
          database: deps.database,
        });
        const services = await createObservabilityServices({
          rootConfig: deps.config,
          database: deps.database,
          catalog: deps.catalog,
          logger,
        });

        const evaluator = CoverageEvaluator.create({
          catalog: deps.catalog,
          auth: deps.auth,
          store: coverageStore,
          logger: logger.child({ task: 'coverage' }),
          generatorConfig: services.config.generator,
          liveFacts: PrometheusLiveFacts.create({
            prometheus: services.prometheus,
            logger,
          }),
        });
        await scheduleCoverageEvaluation({
          scheduler: deps.scheduler,
          config: deps.config,
          logger,
          evaluator,
        });
        const coverageRouter = await createCoverageRouter({
          store: coverageStore,
          httpAuth,
          scheduler: deps.scheduler,
        });

        httpRouter.addAuthPolicy({
          path: '/metrics',
          allow: 'unauthenticated',
        });
        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            permissions,
            ...services,
            coverageRouter,
          }),
        );
      },
    });
  },
});
