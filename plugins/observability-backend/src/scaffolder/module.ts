import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readObservabilityConfig } from '../services/config';
import { createGenerateObservabilityAction } from './actions/generate';

/**
 * Scaffolder module adding `redline:observability:generate`. A separate
 * module (not part of the observability plugin) because it extends the
 * scaffolder plugin; install it with
 * `backend.add(import('@redline/backstage-plugin-observability-backend/scaffolder'))`.
 * @public
 */
export const scaffolderModuleRedlineObservability = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'redline-observability',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, catalog, config }) {
        scaffolder.addActions(
          createGenerateObservabilityAction({
            catalog,
            generator: readObservabilityConfig(config).generator,
          }),
        );
      },
    });
  },
});
