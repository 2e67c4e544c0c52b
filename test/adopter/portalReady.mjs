/**
 * Waits until the adopter app's data is there before a browser looks at it:
 * the catalog ingests `examples/` some seconds after the backend listens, and
 * coverage is evaluated on a schedule, so its first run may have seen an
 * empty catalog.
 */
import { guestToken, portalApi } from '../stack/portal-api.mjs';
import { waitUntil } from '../stack/processes.mjs';

async function get(baseUrl, token, path) {
  const res = await portalApi(baseUrl, path, { token });
  if (res.status !== 200)
    throw new Error(
      `GET ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`,
    );
  return res.body;
}

export async function waitForPortalData(baseUrl, entity) {
  const token = await guestToken(baseUrl);
  await waitUntil(
    `${entity.kind}:${entity.name} in the catalog`,
    () =>
      get(
        baseUrl,
        token,
        `/api/catalog/entities/by-name/${entity.kind}/default/${entity.name}`,
      ),
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
  const services = await get(
    baseUrl,
    token,
    '/api/catalog/entities/by-query?filter=kind=component,spec.type=service&limit=1',
  );
  const refresh = await portalApi(
    baseUrl,
    '/api/observability/coverage/refresh',
    { method: 'POST', token },
  );
  if (refresh.status !== 202)
    throw new Error(`coverage refresh: HTTP ${refresh.status}`);
  await waitUntil(
    `coverage of all ${services.totalItems} services`,
    async () => {
      const coverage = await get(
        baseUrl,
        token,
        '/api/observability/coverage?pageSize=100',
      );
      return coverage.summary.services === services.totalItems;
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
}
