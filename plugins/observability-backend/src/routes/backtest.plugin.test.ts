import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { BacktestReport } from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { closedPortUrl } from '../__testUtils__/fakeServer';
import { component } from '../__testUtils__/entities';
import { observabilityPlugin } from '../plugin';

const API = '/api/observability';
const BACKTEST = `${API}/entity/component/default/checkout/backtest`;

async function startBackend() {
  const down = await closedPortUrl();
  const { server } = await startTestBackend({
    features: [
      observabilityPlugin,
      catalogServiceMock.factory({
        entities: [
          component('checkout', {
            'redline.dev/slo-availability': '99.9',
            'redline.dev/log-selector': '{app="checkout"}',
          }),
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
