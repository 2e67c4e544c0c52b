/**
 * Latency SLOs are measured at the histogram buckets the service exposes,
 * alike in the tab, its downloads and the coverage run: a fake Prometheus
 * exposes buckets other than the configured ones (0.01 … 0.25, 0.3, 0.5 …).
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CheckResult,
  CoverageEntityRow,
  EntityViewResponse,
  topCheck,
} from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { component } from './__testUtils__/entities';
import { FakeServer, promOk } from './__testUtils__/fakeServer';
import { observabilityPlugin } from './plugin';

const API = '/api/observability';

/** `le` values (besides +Inf) each service's histogram has series for. */
const LIVE_BUCKETS: Record<string, string[]> = {
  // 400ms lies between the configured 0.3 and 0.5; fast exposes 0.4 itself.
  fast: ['0.1', '0.4', '1'],
  coarse: ['0.1', '0.30', '0.5'],
  // 80ms would be measured at the configured 0.05; fast's finest is 0.1.
  tight: ['0.1', '0.5'],
};

const SLOS: Record<string, string> = {
  fast: '99% < 400ms',
  coarse: '99% < 400ms',
  tight: '99% < 80ms',
};

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  ...Object.entries(SLOS).map(([name, slo]) =>
    component(name, { 'redline.dev/slo-latency': slo }),
  ),
];

const isBucketQuery = (url: string) =>
  new URL(url, 'http://x').searchParams
    .get('query')
    ?.startsWith(
      'group by (le, service) (http_request_duration_seconds_bucket)',
    );

function fakePrometheus(server: FakeServer) {
  server.otherwise(req => {
    const url = new URL(req.url, 'http://x');
    const vector = (metrics: Array<Record<string, string>>) =>
      promOk({
        resultType: 'vector',
        result: metrics.map(metric => ({ metric, value: [0, '1'] })),
      });
    switch (url.pathname) {
      case '/api/v1/rules':
        return promOk({ groups: [] });
      case '/api/v1/query':
        if (isBucketQuery(req.url))
          return vector(
            Object.entries(LIVE_BUCKETS).flatMap(([service, les]) =>
              [...les, '+Inf'].map(le => ({ le, service })),
            ),
          );
        return vector(
          Object.keys(LIVE_BUCKETS).flatMap(service =>
            ['http_requests_total', 'http_request_duration_seconds_bucket'].map(
              __name__ => ({ __name__, service }),
            ),
          ),
        );
      case '/api/v1/query_range':
        return promOk({ resultType: 'matrix', result: [] });
      default:
        return { status: 404, text: 'not found' };
    }
  });
}

const sloCheck = (view: EntityViewResponse): CheckResult | undefined =>
  view.checks.find(c => c.id === 'metadata.slo');

describe('latency SLOs at the live buckets', () => {
  let prometheus: FakeServer;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  const auth = mockCredentials.user.header();

  beforeAll(async () => {
    prometheus = await FakeServer.start();
    fakePrometheus(prometheus);
    ({ server } = await startTestBackend({
      features: [
        observabilityPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            observability: {
              prometheus: {
                timeoutMs: 1000,
                // Every view and run asks for itself, so the calls can be counted.
                queryCacheTtlMs: 0,
                instances: [
                  { name: 'main', url: prometheus.url, default: true },
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
    }));
  });

  afterAll(() => prometheus.stop());

  const view = async (name: string) => {
    const res = await request(server)
      .get(`${API}/entity/component/default/${name}`)
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body as EntityViewResponse;
  };
  const rulesFile = async (name: string) =>
    (
      await request(server)
        .get(
          `${API}/entity/component/default/${name}/artifacts/prometheus-rules`,
        )
        .set('Authorization', auth)
    ).text;

  it('the tab and its downloads measure at the bucket the service exposes', async () => {
    const fast = await view('fast');
    expect(sloCheck(fast)).toMatchObject({ status: 'pass' });
    expect(await rulesFile('fast')).toContain('le="0.4"');

    const coarse = await view('coarse');
    expect(sloCheck(coarse)).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(
        /nearest bucket below it, le="0\.3".*the buckets Prometheus reports/,
      ),
    });
    const coarseRules = await rulesFile('coarse');
    expect(coarseRules).toContain('le="0.3"');
    expect(coarseRules).not.toContain('le="0.4"');

    // Below every live bucket: no latency SLO can be measured at all.
    expect(sloCheck(await view('tight'))).toMatchObject({ status: 'fail' });
  });

  it('a coverage row says what the tab says, with one bucket question per run', async () => {
    prometheus.reset();
    fakePrometheus(prometheus);
    const refresh = await request(server)
      .post(`${API}/coverage/refresh`)
      .set('Authorization', auth);
    expect(refresh.body).toEqual({ status: 'triggered' });
    const coverage = await request(server)
      .get(`${API}/coverage?pageSize=500`)
      .set('Authorization', auth);
    expect(coverage.status).toBe(200);
    expect(
      prometheus.requestsTo('/api/v1/query?').filter(r => isBucketQuery(r.url)),
    ).toHaveLength(1);

    const rows = coverage.body.items as CoverageEntityRow[];
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const tab = await view(row.entityRef.split('/')[1]);
      const top = topCheck(tab.checks);
      expect({
        ref: row.entityRef,
        failingChecks: row.failingChecks,
        topFailingCheck: row.topFailingCheck ?? null,
        confidence: row.confidence,
      }).toEqual({
        ref: row.entityRef,
        failingChecks: tab.checks.filter(c => c.status === 'fail').length,
        topFailingCheck: top?.status === 'fail' ? top.title : null,
        confidence: tab.confidence.score,
      });
    }
    const tight = rows.find(r => r.entityRef === 'component:default/tight')!;
    const fast = rows.find(r => r.entityRef === 'component:default/fast')!;
    // The live buckets make tight's SLO unmeasurable: one more failing check.
    expect(tight.failingChecks).toBe(fast.failingChecks + 1);
  });
});
