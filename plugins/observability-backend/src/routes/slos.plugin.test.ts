import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { EntitySloResponse } from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { closedPortUrl } from '../__testUtils__/fakeServer';
import { component } from '../__testUtils__/entities';
import { observabilityPlugin } from '../plugin';

const API = '/api/observability';

async function startBackend() {
  const down = await closedPortUrl();
  const { server } = await startTestBackend({
    features: [
      observabilityPlugin,
      catalogServiceMock.factory({
        entities: [
          component('checkout', {
            'redline.dev/slo-availability': '99.9',
            'redline.dev/slo-latency': '99% < 300ms',
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

describe('GET /entity/:kind/:namespace/:name/slos', () => {
  let server: Awaited<ReturnType<typeof startBackend>>;
  beforeAll(async () => {
    server = await startBackend();
  });

  it('answers 200 with every SLO no-data when Prometheus is unreachable', async () => {
    const res = await request(server).get(
      `${API}/entity/component/default/checkout/slos`,
    );
    expect(res.status).toBe(200);
    const body = res.body as EntitySloResponse;
    expect(body.entityRef).toBe('component:default/checkout');
    expect(body.prometheus.status).toBe('unreachable');
    expect(body.slos.map(s => [s.slo, s.health])).toEqual([
      ['availability', 'no-data'],
      ['latency', 'no-data'],
    ]);
    for (const slo of body.slos) {
      expect(slo.reason).toMatch(/^Prometheus unreachable: /);
      expect(slo.windowLabel).toBe('30 days, rolling');
      expect(slo.queries.length).toBeGreaterThan(0);
    }
    expect(body.red.every(r => r.status === 'no-data')).toBe(true);
  });

  it('404 for an unknown entity', async () => {
    const res = await request(server).get(
      `${API}/entity/component/default/nope/slos`,
    );
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toMatch(/\bat \S+:\d+:\d+/);
  });

  it('400 naming the field for bad input, never a stack', async () => {
    const badName = await request(server).get(
      `${API}/entity/component/default/-bad-/slos`,
    );
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(/name:/);
    const badQuery = await request(server).get(
      `${API}/entity/component/default/checkout/slos?window=7d`,
    );
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.message).toContain('"window"');
    expect(JSON.stringify(badQuery.body)).not.toMatch(/\bat \S+:\d+:\d+/);
  });
});
