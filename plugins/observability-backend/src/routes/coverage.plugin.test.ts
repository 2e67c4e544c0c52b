/**
 * The coverage feature through the whole plugin: startTestBackend with the
 * in-memory catalog, a fake Prometheus, the plugin's own database, and the
 * scheduled task run by `POST /coverage/refresh`.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CoverageHistoryPoint,
  CoverageResponse,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { closedPortUrl, FakeServer, promOk } from '../__testUtils__/fakeServer';
import { testEntities } from '../__testUtils__/entities';
import { loadedRules } from '../__testUtils__/loadedRules';
import { observabilityPlugin } from '../plugin';

const API = '/api/observability';

describe('coverage through the plugin', () => {
  let prometheus: FakeServer;
  let alertmanager: FakeServer;
  const entities = testEntities({
    runbookUrl: 'http://127.0.0.1:1/runbooks/checkout',
  });

  beforeAll(async () => {
    [prometheus, alertmanager] = await Promise.all([
      FakeServer.start(),
      FakeServer.start(),
    ]);
    alertmanager.otherwise(() => ({ status: 200, json: [] }));
    // Checkout's generated alerts are loaded; nothing else is.
    const checkout = entities.find(e => e.metadata.name === 'checkout')!;
    const config = resolveGeneratorConfig({
      portalBaseUrl: 'http://portal.test',
    });
    const groups = loadedRules(checkout, config);
    prometheus.otherwise(req => {
      if (req.url.startsWith('/api/v1/query?'))
        return promOk({ resultType: 'vector', result: [] });
      return req.url.startsWith('/api/v1/rules')
        ? promOk({ groups })
        : { status: 404, text: 'not found' };
    });
  });

  afterAll(async () => {
    await Promise.all([prometheus.stop(), alertmanager.stop()]);
  });

  async function startBackend() {
    const down = await closedPortUrl();
    const { server } = await startTestBackend({
      features: [
        observabilityPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            observability: {
              prometheus: {
                timeoutMs: 300,
                instances: [
                  { name: 'main', url: prometheus.url, default: true },
                  { name: 'down', url: down },
                  { name: 'flaky', url: down },
                  { name: 'slow', url: down },
                ],
              },
              alertmanager: {
                instances: [
                  { name: 'main', url: alertmanager.url, default: true },
                  { name: 'down', url: down },
                ],
              },
              retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 10 },
              coverage: {
                schedule: {
                  frequency: { minutes: 30 },
                  timeout: { minutes: 1 },
                  initialDelay: { minutes: 5 },
                },
              },
            },
          },
        }),
      ],
    });
    return server;
  }

  it('is empty before the first run, fills on refresh, and answers every coverage route', async () => {
    const server = await startBackend();
    const auth = mockCredentials.user.header();

    const before = await request(server)
      .get(`${API}/coverage`)
      .set('Authorization', auth);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ items: [], totalItems: 0 });
    expect(before.body.evaluatedAt).toBeUndefined();

    prometheus.reset();
    alertmanager.reset();
    const refresh = await request(server)
      .post(`${API}/coverage/refresh`)
      .set('Authorization', auth);
    expect(refresh.status).toBe(202);
    expect(refresh.body).toEqual({ status: 'triggered' });
    // Three Components use the default Prometheus and six the default
    // Alertmanager: one rules call, one series query, one histogram-bucket
    // query (for the latency SLOs), one SLO attainment query (their one
    // window, every service at once) and one alerts call (for every
    // service, unfiltered) serve them all.
    expect(prometheus.requestsTo('/api/v1/rules')).toHaveLength(1);
    const queries = prometheus
      .requestsTo('/api/v1/query?')
      .map(r => new URL(r.url, 'http://x').searchParams.get('query'));
    expect(queries).toHaveLength(3);
    expect(queries.filter(q => q?.startsWith('group by (le'))).toHaveLength(1);
    expect(
      queries.filter(q => q?.includes('sum by (service) (increase(')),
    ).toHaveLength(1);
    expect(prometheus.requestsTo('/api/v1/query_range')).toHaveLength(0);
    const alertCalls = alertmanager.requestsTo('/api/v2/alerts');
    expect(alertCalls).toHaveLength(1);
    expect(
      new URL(alertCalls[0].url, 'http://x').searchParams.has('filter'),
    ).toBe(false);

    const res = await request(server)
      .get(`${API}/coverage?sort=name`)
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    const body = res.body as CoverageResponse;
    const components = entities.filter(e => e.kind === 'Component');
    expect(body.totalItems).toBe(components.length);
    expect(body.evaluatedAt).toEqual(expect.any(String));
    const byName = Object.fromEntries(body.items.map(i => [i.name, i]));
    expect(byName.checkout).toMatchObject({
      hasSlo: true,
      hasRunbook: true,
      rulesDeployed: 'yes',
      team: 'payments',
    });
    expect(byName['legacy-billing']).toMatchObject({
      hasSlo: false,
      rulesDeployed: 'no',
      team: 'ghost-team',
      topFailingCheck: 'Owner exists',
    });
    expect(byName['degraded-bare'].rulesDeployed).toBe('unknown');
    expect(body.teams.map(t => t.team).sort()).toEqual([
      'ghost-team',
      'payments',
    ]);

    const filtered = await request(server)
      .get(`${API}/coverage?owner=ghost-team`)
      .set('Authorization', auth);
    expect(filtered.body.items.map((i: any) => i.name)).toEqual([
      'legacy-billing',
    ]);

    const history = await request(server)
      .get(`${API}/coverage/history`)
      .set('Authorization', auth);
    expect(history.status).toBe(200);
    expect(history.body as CoverageHistoryPoint[]).toEqual([
      expect.objectContaining({
        services: components.length,
        withSlo: 1 / components.length,
      }),
    ]);

    const csv = await request(server)
      .get(`${API}/coverage/export.csv`)
      .set('Authorization', auth);
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split('\r\n')).toHaveLength(components.length + 1);

    const bad = await request(server)
      .get(`${API}/coverage?pageSize=0`)
      .set('Authorization', auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('pageSize');

    const anonymous = await request(server)
      .get(`${API}/coverage`)
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});
