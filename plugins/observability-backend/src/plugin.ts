import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { observabilityPermissions } from '@redline/backstage-plugin-observability-common';
import { createRouter } from './router';
import { createObservabilityServices } from './services/createServices';

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
        const { logger, httpRouter, httpAuth, permissions, permissionsRegistry } = deps;
        permissionsRegistry.addPermissions(observabilityPermissions);

        const services = await createObservabilityServices({
          rootConfig: deps.config,
          database: deps.database,
          catalog: deps.catalog,
          logger,
        });

        httpRouter.addAuthPolicy({ path: '/metrics', allow: 'unauthenticated' });
        httpRouter.use(
          await createRouter({
            logger,
            httpAuth,
            permissions,
            ...services,
          }),
        );
      },
    });
  },
});
