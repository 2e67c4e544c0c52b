import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readObservabilityConfig } from '../services/config';
import { createBudgetGateAction } from './actions/budgetGate';
import { createGenerateObservabilityAction } from './actions/generate';
import { createScaffolderSloStatus } from './sloStatusService';

/**
 * Scaffolder module adding `redline:observability:generate` and
 * `redline:observability:budget-gate`. A separate
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
        const observability = readObservabilityConfig(config, {
          ruleTargetKinds: 'unchecked',
        });
        scaffolder.addActions(
          createGenerateObservabilityAction({
            catalog,
            generator: observability.generator,
          }),
          createBudgetGateAction({
            catalog,
            slos: createScaffolderSloStatus({
              config: observability,
              catalog,
            }),
          }),
        );
      },
    });
  },
});
