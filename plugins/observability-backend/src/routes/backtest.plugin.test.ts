import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  PRESENCE_LABEL,
  type BacktestReport,
} from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import {
  closedPortUrl,
  FakeServer,
  promOk,
  type SeenRequest,
} from '../__testUtils__/fakeServer';
import { component } from '../__testUtils__/entities';
import { observabilityPlugin } from '../plugin';

const API = '/api/observability';
const BACKTEST = `${API}/entity/component/default/checkout/backtest`;

function withIdentity(entity: Entity): Entity {
  return {
    ...entity,
    metadata: { ...entity.metadata, uid: 'checkout-uid', etag: 'etag-1' },
  };
}

async function startBackend(prometheusUrl?: string) {
  const down = prometheusUrl ?? (await closedPortUrl());
  const { server } = await startTestBackend({
    features: [
      observabilityPlugin,
      catalogServiceMock.factory({
        entities: [
          // With a uid and etag, as the catalog serves it: descriptions of
          // such entities are remembered, and an override must not hit that.
          withIdentity(
            component('checkout', {
              'redline.dev/slo-availability': '99.9',
              'redline.dev/log-selector': '{app="checkout"}',
            }),
          ),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          observability: {
            prometheus: {
              instances: [{ name: 'down', url: down, default: true }],
            },
            retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 2 },
          },
        },
      }),
    ],
  });
  return server;
}

describe('GET /entity/:kind/:namespace/:name/backtest', () => {
  let server: Awaited<ReturnType<typeof startBackend>>;
  beforeAll(async () => {
    server = await startBackend();
  });

  it.each([
    ['days=0', 'days: must be a whole number of days from 1 to 30'],
    ['days=31', 'days: must be at most 30 days'],
    ['days=week', 'days: must be a whole number of days from 1 to 30'],
    ['instance=', 'instance: must name a configured Prometheus instance'],
    [
      'instance=nope',
      "instance: 'nope' is not a configured Prometheus instance",
    ],
    ['dayz=7', '"dayz" (did you mean days?)'],
    ['errorRateThreshold=', 'errorRateThreshold: must not be empty'],
    [
      'errorRateThreshold=lots',
      'errorRateThreshold: "lots" is not a percentage strictly between 0 and 100',
    ],
    [
      'errorRateThreshold=100',
      'errorRateThreshold: "100" is not a percentage strictly between 0 and 100',
    ],
    [
      'latencyP99Threshold=fast',
      'latencyP99Threshold: "fast" is not a duration such as "500ms"',
    ],
    [
      'rateDropThreshold=150',
      'rateDropThreshold: "150" is not a percentage from 1 to 99',
    ],
    [
      `rateDropThreshold=${'9'.repeat(41)}`,
      'rateDropThreshold: must be at most 40 characters',
    ],
  ])('answers 400 naming the field for %s', async (query, message) => {
    const res = await request(server).get(`${BACKTEST}?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toContain(message);
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('answers 404 for an unknown entity', async () => {
    const res = await request(server).get(
      `${API}/entity/component/default/nobody/backtest`,
    );
    expect(res.status).toBe(404);
  });

  it('answers 200 with each alert in error, saying why, when Prometheus is down', async () => {
    const res = await request(server).get(`${BACKTEST}?days=7`);
    expect(res.status).toBe(200);
    const body = res.body as BacktestReport;
    expect(body).toMatchObject({
      entityRef: 'component:default/checkout',
      days: 7,
      stepSeconds: 60,
    });
    expect(body.end - body.start).toBe(7 * 86_400);
    const statuses = new Set(body.alerts.map(a => a.status));
    expect([...statuses].sort()).toEqual(['error', 'unsupported']);
    for (const alert of body.alerts.filter(a => a.status === 'error')) {
      expect(alert.reason).toContain('prometheus:down');
      expect(alert.reason).not.toMatch(/\n\s+at /);
    }
    expect(body.actualError).toContain('prometheus:down');
  });
});

/**
 * A Prometheus whose error ratio sat between 0.5 % and 1 % for half an
 * hour: an alert at the 1 % default never fires, one at 0.5 % fires once.
 */
function historyAnswer(req: SeenRequest) {
  const url = new URL(req.url, 'http://prometheus');
  const query = url.searchParams.get('query') ?? '';
  if (url.pathname === '/api/v1/query' && query.includes(PRESENCE_LABEL))
    return promOk({
      resultType: 'vector',
      result: Array.from({ length: 20 }, (_, i) => ({
        metric: { [PRESENCE_LABEL]: String(i) },
        value: [0, '1'],
      })),
    });
  if (url.pathname === '/api/v1/query_range') {
    const end = Number(url.searchParams.get('end'));
    const step = Number(url.searchParams.get('step'));
    const breaching = /> 0\.005\b/.test(query) && !query.includes('ALERTS');
    return promOk({
      resultType: 'matrix',
      result: breaching
        ? [
            {
              metric: { service: 'checkout' },
              values: Array.from({ length: 30 }, (_, i) => [
                end - (40 - i) * step,
                '0.007',
              ]),
            },
          ]
        : [],
    });
  }
  if (url.pathname.startsWith('/api/v1/rules')) return promOk({ groups: [] });
  if (url.pathname.startsWith('/api/v1/query'))
    return promOk({ resultType: 'vector', result: [] });
  return promOk([]);
}

describe('backtest with a threshold override', () => {
  let prometheus: FakeServer;
  let server: Awaited<ReturnType<typeof startBackend>>;
  beforeAll(async () => {
    prometheus = (await FakeServer.start()).otherwise(historyAnswer);
    server = await startBackend(prometheus.url);
  });
  afterAll(async () => {
    await prometheus.stop();
  });

  const highErrorRate = (body: BacktestReport) =>
    body.alerts.find(a => a.key === 'HighErrorRate')!;

  it('backtests the alert the overridden threshold would generate', async () => {
    const before = await request(server).get(`${BACKTEST}?days=7`);
    expect(before.status).toBe(200);
    expect(highErrorRate(before.body)).toMatchObject({
      status: 'evaluated',
      fired: 0,
    });
    expect(highErrorRate(before.body).query).toMatch(/> 0\.01\b/);

    const after = await request(server).get(
      `${BACKTEST}?days=7&errorRateThreshold=0.5`,
    );
    expect(after.status).toBe(200);
    const tuned = highErrorRate(after.body);
    expect(tuned.query).toMatch(/> 0\.005\b/);
    expect(tuned).toMatchObject({ status: 'evaluated', fired: 1 });
    expect(tuned.firingMinutes).toBeGreaterThan(20);
    // Only the error-rate alerts' expressions (Prometheus and the log
    // fallback's) changed.
    const others = (body: BacktestReport) =>
      body.alerts
        .filter(a => !/ErrorRate/.test(a.key))
        .map(a => [a.key, a.query]);
    expect(others(after.body).length).toBeGreaterThan(1);
    expect(others(after.body)).toEqual(others(before.body));
  });
});
