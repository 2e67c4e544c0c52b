import { createBackend } from '@backstage/backend-defaults';

// A local backend for this plugin alone: `npm start` in this package.
// It reads the repository's app-config.yaml (catalog locations, the
// observability.* block), signs you in as guest, and allows every permission.
//
// Try it:
//   TOKEN=$(curl -s -H 'X-Requested-With: XMLHttpRequest' \
//     http://localhost:7007/api/auth/guest/refresh | jq -r .backstageIdentity.token)
//   curl -H "Authorization: Bearer $TOKEN" \
//     http://localhost:7007/api/observability/entity/component/default/checkout/red
//   curl http://localhost:7007/api/observability/metrics     # no token needed

const backend = createBackend();

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(import('../src'));

backend.start();
