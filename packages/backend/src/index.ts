/*
 * The Redline demo portal backend (new backend system). It is the smallest
 * backend that shows the product: catalog from ./catalog, guest sign-in for
 * local use, the permission framework with an allow-all policy, the
 * scaffolder (for the "open a pull request" flow), and the observability
 * plugin with its scaffolder module.
 */
import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { withoutStackTraces } from './withoutStackTraces';

const backend = createBackend();

// Error responses never carry stack traces, whatever NODE_ENV says (see
// withoutStackTraces); the rest of the root router is Backstage's default.
backend.add(
  rootHttpRouterServiceFactory({
    configure({ app, applyDefaults }) {
      app.use(withoutStackTraces);
      applyDefaults();
    },
  }),
);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Sign-in: the guest provider is for local use only; see README for real providers.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Permissions are enforced; the demo policy allows everything, including
// observability.artifacts.apply. Replace it with your own policy in production.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));

backend.add(import('@redline/backstage-plugin-observability-backend'));
backend.add(
  import('@redline/backstage-plugin-observability-backend/scaffolder'),
);

backend.start();
