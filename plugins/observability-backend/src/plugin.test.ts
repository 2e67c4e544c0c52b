import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  ApplyResponse,
  CheckResult,
  EntityViewResponse,
} from '@redline/backstage-plugin-observability-common';
import JSZip from 'jszip';
import request from 'supertest';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { findBinary } from '../../../test/support/binaries';
import { FakeServer, closedPortUrl, promOk } from './__testUtils__/fakeServer';
import { testEntities } from './__testUtils__/entities';
import { installInMemoryTracing } from './__testUtils__/otel';
import { recordingLoggerFactory } from './__testUtils__/recordingLogger';
import { observabilityPlugin } from './plugin';
import { stopwatch } from './__testUtils__/stopwatch';

const API = '/api/observability';

/** Fake Prometheus "main": checkout's HighErrorRate is loaded and firing. */
function mainPrometheus(server: FakeServer) {
  server.otherwise(req => {
    const url = new URL(req.url, 'http://x');
    switch (url.pathname) {
      case '/api/v1/rules':
        return promOk({
          groups: [
            {
              name: 'redline-checkout',
              file: '/etc/prometheus/rules/redline-checkout.yaml',
              rules: [
                {
                  type: 'alerting',
                  name: 'HighErrorRate',
                  query: 'x',
                  labels: { service: 'checkout', severity: 'critical' },
                  state: 'firing',
                  alerts: [
                    {
                      labels: { service: 'checkout', severity: 'critical' },
                      annotations: {},
                      state: 'firing',
                    },
                  ],
                },
                {
                  type: 'recording',
                  name: 'service:x',
                  query:
                    'sum(rate(http_requests_total{service="checkout"}[5m]))',
                },
                // Hand-written, cause-based and without `for`: the linter must flag it.
                {
                  type: 'alerting',
                  name: 'CheckoutHighCpu',
                  query:
                    'rate(process_cpu_seconds_total{service="checkout"}[5m]) > 0.8',
                  labels: { service: 'checkout' },
                },
              ],
            },
          ],
        });
      case '/api/v1/query':
        // The label sets of the RED metrics' series: only checkout has any.
        return promOk({
          resultType: 'vector',
          result: [
            'http_requests_total',
            'http_request_duration_seconds_bucket',
          ].map(name => ({
            metric: { __name__: name, service: 'checkout' },
            value: [0, '1'],
          })),
        });
      case '/api/v1/query_range': {
        // The view asks for every RED signal in one query, each series
        // tagged with its signal; a trend ends at `end` with the current value.
        const q = url.searchParams.get('query') ?? '';
        const end = Number(url.searchParams.get('end'));
        const current: Record<string, string> = {
          rate: '12.5',
          errors: '0.004',
          duration: '0.25',
        };
        return promOk({
          resultType: 'matrix',
          result: [...q.matchAll(/"redline_signal", "(\w+)"/g)].map(
            ([, signal]) => ({
              metric: { redline_signal: signal },
              values: [
                [end - 300, '0.5'],
                [end, current[signal]],
              ],
            }),
          ),
        });
      }
      case '/-/reload':
        return { status: 200, text: '' };
      default:
        return { status: 404, text: 'not found' };
    }
  });
}

/** Fails every distinct URL twice (503, then a dropped connection), then behaves like main. */
function flakyPrometheus(server: FakeServer) {
  const seen = new Map<string, number>();
  const main = new FakeServer();
  mainPrometheus(main);
  server.otherwise(req => {
    const n = (seen.get(req.url) ?? 0) + 1;
    seen.set(req.url, n);
    if (n === 1) return { status: 503, text: 'overloaded' };
    if (n === 2) return { destroy: true };
    return main.answer(req);
  });
}

/** The view's check with this id: every view lists each of Redline's checks. */
function checkOf(view: EntityViewResponse, id: string): CheckResult {
  const check = view.checks.find(c => c.id === id);
  if (!check)
    throw new Error(`No check ${id} in ${view.checks.map(c => c.id)}`);
  return check;
}

describe('observability backend plugin', () => {
  let prometheus: FakeServer;
  let flaky: FakeServer;
  let slow: FakeServer;
  let alertmanager: FakeServer;
  let runbooks: FakeServer;
  let rulesDirectory: string;
  const warnings: string[] = [];

  beforeAll(async () => {
    [prometheus, flaky, slow, alertmanager, runbooks] = await Promise.all([
      FakeServer.start(),
      FakeServer.start(),
      FakeServer.start(),
      FakeServer.start(),
      FakeServer.start(),
    ]);
    rulesDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-rules-'));
  });

  afterAll(async () => {
    await Promise.all(
      [prometheus, flaky, slow, alertmanager, runbooks].map(s => s.stop()),
    );
    await fs.rm(rulesDirectory, { recursive: true, force: true });
  });

  beforeEach(() => {
    for (const server of [prometheus, flaky, slow, alertmanager, runbooks])
      server.reset();
    warnings.length = 0;
    mainPrometheus(prometheus);
    flakyPrometheus(flaky);
    slow.otherwise(() => ({ stall: true }));
    runbooks.otherwise(req =>
      req.url === '/runbooks/checkout' ? { status: 200 } : { status: 404 },
    );
    alertmanager.otherwise(req => {
      const filter =
        new URL(req.url, 'http://x').searchParams.get('filter') ?? '';
      if (filter !== 'service="checkout"') return { status: 200, json: [] };
      const alert = (
        fingerprint: string,
        labels: Record<string, string>,
        state = 'active',
      ) => ({
        fingerprint,
        labels: { service: 'checkout', ...labels },
        annotations: { summary: labels.alertname },
        startsAt: '2026-11-25T01:00:00Z',
        status: { state },
      });
      return {
        status: 200,
        json: [
          alert('a1', {
            alertname: 'HighErrorRate',
            severity: 'critical',
            instance: 'pod-1',
          }),
          alert('a1', {
            alertname: 'HighErrorRate',
            severity: 'critical',
            instance: 'pod-1',
          }),
          alert('a2', {
            alertname: 'HighErrorRate',
            severity: 'critical',
            instance: 'pod-2',
          }),
          alert('a3', {
            alertname: 'HighErrorRate',
            severity: 'critical',
            instance: 'pod-3',
          }),
          alert(
            'b1',
            { alertname: 'HighLatency', severity: 'warning' },
            'suppressed',
          ),
        ],
      };
    });
  });

  async function startBackend(
    options: {
      permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      promtoolPath?: string;
    } = {},
  ) {
    const down = await closedPortUrl();
    const { server } = await startTestBackend({
      features: [
        observabilityPlugin,
        recordingLoggerFactory(warnings),
        catalogServiceMock.factory({
          entities: testEntities({
            runbookUrl: `${runbooks.url}/runbooks/checkout`,
          }),
        }),
        mockServices.permissions.factory({
          result: options.permission ?? AuthorizeResult.ALLOW,
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            observability: {
              prometheus: {
                timeoutMs: 300,
                // No answers kept across views: each test sees the calls its own requests make.
                rulesCacheTtlMs: 0,
                queryCacheTtlMs: 0,
                instances: [
                  {
                    name: 'main',
                    url: prometheus.url,
                    default: true,
                    rulesDirectory,
                  },
                  { name: 'down', url: down },
                  { name: 'flaky', url: flaky.url },
                  { name: 'slow', url: slow.url },
                ],
              },
              alertmanager: {
                stormThreshold: 3,
                // Every test posts its own alerts and looks at once.
                cacheTtlMs: 0,
                instances: [
                  { name: 'main', url: alertmanager.url, default: true },
                  { name: 'down', url: down },
                ],
              },
              runbookCheck: { allowedHosts: ['127.0.0.1'], timeoutMs: 300 },
              // The seed's policy shrunk 25x so the test runs fast; the shape is the same.
              retry: { attempts: 3, initialDelayMs: 40, maxDelayMs: 320 },
              apply: {
                promtoolPath: options.promtoolPath ?? '/nonexistent/promtool',
              },
            },
          },
        }),
      ],
    });
    return server;
  }

  describe('with permission', () => {
    let server: Awaited<ReturnType<typeof startBackend>>;
    beforeAll(async () => {
      server = await startBackend({
        promtoolPath: findBinary('promtool') ?? '/nonexistent/promtool',
      });
    });

    it('GET /entity/... answers the spec and the RED targets with their sources', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/checkout`,
      );
      expect(res.status).toBe(200);
      const body = res.body as EntityViewResponse;
      expect(body.entityRef).toBe('component:default/checkout');
      expect(body.redTargets.map(t => t.signal)).toEqual([
        'rate',
        'errors',
        'duration',
      ]);
      expect(body.redTargets[1]).toMatchObject({
        threshold: 2,
        source: 'annotation',
      });
      expect(body.redTargets[2]).toMatchObject({
        threshold: 500,
        source: 'default',
      });
      expect(body.spec.slos.map(s => s.slo).sort()).toEqual([
        'availability',
        'latency',
      ]);
      expect(body.findings).toEqual(expect.any(Array));
    });

    it('GET /entity/... of a bare entity uses the seed defaults', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/legacy-billing`,
      );
      expect(res.status).toBe(200);
      expect(
        res.body.redTargets.map((t: any) => [t.threshold, t.source]),
      ).toEqual([
        [50, 'default'],
        [1, 'default'],
        [500, 'default'],
      ]);
    });

    it('answers 400 naming the bad part of the entity ref', async () => {
      const kind = await request(server).get(
        `${API}/entity/comp%20onent/default/checkout`,
      );
      expect(kind.status).toBe(400);
      expect(kind.body.error.name).toBe('InputError');
      expect(kind.body.error.message).toMatch(/kind: must start with a letter/);
      expect(kind.body.error.stack).toBeUndefined();
      const ns = await request(server).get(
        `${API}/entity/component/bad_ns!/checkout`,
      );
      expect(ns.status).toBe(400);
      expect(ns.body.error.message).toMatch(/namespace:/);
      const name = await request(server).get(
        `${API}/entity/component/default/-checkout-/artifacts/prometheus-rules`,
      );
      expect(name.status).toBe(400);
      expect(name.body.error.message).toMatch(/name:/);
    });

    it('answers 404 for an unknown entity and 401 without credentials', async () => {
      const missing = await request(server).get(
        `${API}/entity/component/default/nope`,
      );
      expect(missing.status).toBe(404);
      expect(missing.body.error.name).toBe('NotFoundError');
      for (const route of [
        '/entity/component/default/checkout',
        '/entity/component/default/checkout/artifacts/prometheus-rules',
        '/entity/component/default/checkout/runbooks/HighErrorRate',
        '/entity/component/default/checkout/bundle.zip',
      ]) {
        const res = await request(server)
          .get(`${API}${route}`)
          .set('Authorization', mockCredentials.none.header());
        expect(res.status).toBe(401);
      }
      const design = await request(server)
        .post(`${API}/design`)
        .set('Authorization', mockCredentials.none.header())
        .send({ query: 'design observability' });
      expect(design.status).toBe(401);
    });

    it('accepts service credentials', async () => {
      const res = await request(server)
        .get(`${API}/entity/component/default/checkout`)
        .set('Authorization', mockCredentials.service.header());
      expect(res.status).toBe(200);
      expect(res.body.entityRef).toBe('component:default/checkout');
    });

    it('GET /entity/... assembles the full view with live values, checks and firing alerts', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/checkout`,
      );
      expect(res.status).toBe(200);
      const body = res.body as EntityViewResponse;
      expect(body.canApply).toBe(true);
      expect(body.live?.status).toBe('ok');
      const values = Object.fromEntries(
        body.live!.values.map(v => [v.signal, v]),
      );
      expect(values.rate).toMatchObject({ value: 12.5, unit: 'req/s' });
      expect(values.errors).toMatchObject({ value: 0.4, unit: 'percent' });
      expect(values.duration).toMatchObject({ value: 250, unit: 'ms' });
      const end = values.duration.trend[1][0];
      expect(values.duration.trend).toEqual([
        [end - 300, 500],
        [end, 250],
      ]);
      expect(values.errors.trend).toEqual([
        [end - 300, 50],
        [end, 0.4],
      ]);
      // One range query for all RED signals; the only instant queries read
      // which RED metrics have series and, for checkout's latency SLO,
      // which histogram buckets.
      expect(prometheus.requestsTo('/api/v1/query_range')).toHaveLength(1);
      expect(prometheus.requestsTo('/api/v1/query?')).toHaveLength(2);
      expect(prometheus.requestsTo('/api/v1/series')).toHaveLength(0);

      expect(checkOf(body, 'ownership.owner-exists')).toMatchObject({
        status: 'pass',
        message: 'group:default/payments is in the catalog.',
      });
      expect(checkOf(body, 'runbook.links-answer')).toMatchObject({
        status: 'pass',
        message: '1 runbook link(s) answer.',
      });
      expect(runbooks.requestsTo('/runbooks/checkout')).toHaveLength(1);
      expect(checkOf(body, 'metrics.exist')).toMatchObject({
        status: 'pass',
        message:
          'Found http_requests_total, http_request_duration_seconds_bucket for {service="checkout"}.',
      });
      expect(body.deployedRules).toEqual({ status: 'ok' });
      const highErrorRate = body.alerts.filter(a => a.name === 'HighErrorRate');
      expect(highErrorRate).toEqual([
        expect.objectContaining({ deployed: 'yes', firing: true }),
      ]);
      // Only HighErrorRate is loaded: every other alert meant for
      // Prometheus is not deployed, and none of them fires.
      const others = body.alerts.filter(
        a => a.name !== 'HighErrorRate' && a.deployed !== 'unknown',
      );
      expect(others.length).toBeGreaterThan(0);
      expect(others.every(a => a.deployed === 'no' && !a.firing)).toBe(true);
      expect(checkOf(body, 'deployment.rules-loaded').status).toBe('warn');
      expect(body.firing).toMatchObject({
        status: 'ok',
        source: 'alertmanager',
      });
      expect(body.firing.alerts.map(a => [a.name, a.count, a.state])).toEqual([
        ['HighErrorRate', 3, 'firing'],
        ['HighLatency', 1, 'suppressed'],
      ]);
      expect(checkOf(body, 'alerts.firing')).toMatchObject({
        status: 'fail',
        message: '1 alert(s) firing: HighErrorRate ×3.',
      });
      expect(body.artifacts.map(a => a.id)).toEqual(
        expect.arrayContaining([
          'prometheus-rules',
          'grafana-dashboard',
          'alertmanager',
        ]),
      );
      expect(body.artifacts.every(a => !('content' in a))).toBe(true);
      expect(body.checks.length).toBeGreaterThan(3);
      expect(
        body.checks.find(c => c.id === 'runbook.links-answer')?.status,
      ).toBe('pass');
      expect(body.lintFindings?.length).toBeGreaterThan(0);
      expect(
        body
          .lintFindings!.filter(f => f.location.includes('CheckoutHighCpu'))
          .map(f => f.ruleId),
      ).toEqual(expect.arrayContaining([expect.stringMatching(/cause|for/)]));
      // Located in the Prometheus the entity uses, by its configured name.
      expect(
        body.lintFindings!.every(f => f.location.startsWith('prometheus:main')),
      ).toBe(true);
      // Each finding carries the linter's fix hint for the tab.
      expect(
        body.lintFindings!.every(
          f => typeof f.fix === 'string' && f.fix.length > 0,
        ),
      ).toBe(true);
      expect(['warn', 'fail']).toContain(
        body.checks.find(c => c.id === 'lint.rules')?.status,
      );
      expect(body.confidence.score).toBeGreaterThan(0);
      expect(body.confidence.score).toBeLessThanOrEqual(1);
      // One /api/v1/rules call served the checks and the alerts' states.
      expect(prometheus.requestsTo('/api/v1/rules')).toHaveLength(1);
    });

    it('reports the missing owner of a bare entity and still answers', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/legacy-billing`,
      );
      expect(res.status).toBe(200);
      const body = res.body as EntityViewResponse;
      expect(checkOf(body, 'ownership.owner-exists')).toMatchObject({
        status: 'fail',
        message: expect.stringMatching(
          /^group:default\/ghost-team is not in the catalog/,
        ),
      });
      // Prometheus answered: there are no series, and none of its rules is loaded.
      expect(checkOf(body, 'metrics.exist')).toMatchObject({
        status: 'fail',
        message: expect.stringMatching(/^No series for/),
      });
      expect(body.deployedRules).toEqual({ status: 'ok' });
      expect(body.alerts.length).toBeGreaterThan(0);
      expect(body.alerts.every(a => a.deployed === 'no')).toBe(true);
      expect(checkOf(body, 'deployment.rules-loaded')).toMatchObject({
        status: 'fail',
        message: 'None of the generated alerts is loaded.',
      });
      expect(body.firing).toEqual({
        status: 'ok',
        source: 'alertmanager',
        alerts: [],
      });
    });

    it('an unreachable Prometheus with a log stream degrades to fallback-logs after 3 attempts', async () => {
      const started = Date.now();
      const res = await request(server).get(
        `${API}/entity/component/default/degraded-logs`,
      );
      expect(res.status).toBe(200);
      const body = res.body as EntityViewResponse;
      expect(body.live).toMatchObject({ status: 'fallback-logs', values: [] });
      expect(body.live!.reason).toMatch(/Using log-based metrics as fallback/);
      // Questions share the server's circuit: once one used up its 3
      // attempts, the others' pending retries are refused.
      expect(body.live!.reason).toMatch(/ECONNREFUSED.*after [23] attempts/);
      expect(checkOf(body, 'metrics.exist')).toMatchObject({
        status: 'warn',
        message: expect.stringMatching(
          /ECONNREFUSED.*Using log-based metrics as fallback/,
        ),
      });
      expect(body.deployedRules).toMatchObject({
        status: 'unknown',
        reason: expect.stringMatching(/ECONNREFUSED.*after [23] attempts/),
      });
      expect(checkOf(body, 'deployment.rules-loaded').status).toBe('unknown');
      expect(body.firing.status).toBe('unknown');
      expect(checkOf(body, 'alerts.firing').status).toBe('unknown');
      expect(body.alerts.every(a => a.deployed === 'unknown')).toBe(true);
      // Two waits of at least base/2 each: 20 ms + 40 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    });

    it('an unreachable Prometheus without a log stream reports unknown with the reason', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/degraded-bare`,
      );
      expect(res.status).toBe(200);
      expect(res.body.live.status).toBe('unknown');
      expect(res.body.live.reason).toMatch(/no log source is configured/);
      // No fallback to state: the check cannot tell, rather than warning.
      expect(checkOf(res.body, 'metrics.exist')).toMatchObject({
        status: 'unknown',
        // The previous view opened the circuit of the `down` server.
        message: expect.stringMatching(
          /ECONNREFUSED.*after [23] attempts|prometheus:down is failing \(unreachable/,
        ),
      });
    });

    it('a flaky Prometheus is retried with growing backoff and the view is complete', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/flaky`,
      );
      expect(res.status).toBe(200);
      expect(res.body.live.status).toBe('ok');
      // Answered in the end: flaky has no series of its own, and its rules were read.
      expect(checkOf(res.body, 'metrics.exist')).toMatchObject({
        status: 'fail',
        message: expect.stringMatching(/^No series for/),
      });
      expect(res.body.deployedRules).toEqual({ status: 'ok' });
      const rules = flaky.requestsTo('/api/v1/rules');
      expect(rules).toHaveLength(3);
      const series = flaky.requestsTo('/api/v1/query?');
      expect(series).toHaveLength(3);
      // Backoff 40 ms then 80 ms, each with jitter in [base/2, base].
      for (const attempts of [rules, series]) {
        const gaps = [
          attempts[1].at - attempts[0].at,
          attempts[2].at - attempts[1].at,
        ];
        expect(gaps[0]).toBeGreaterThanOrEqual(19);
        expect(gaps[1]).toBeGreaterThanOrEqual(39);
      }
      // Each attempt carried the caller's correlation id.
      expect(new Set(rules.map(r => r.headers['x-correlation-id'])).size).toBe(
        1,
      );
    });

    it('a slow Prometheus times out on every attempt and the view still answers', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/slow`,
      );
      expect(res.status).toBe(200);
      expect(res.body.live.status).toBe('unknown');
      expect(res.body.live.reason).toMatch(
        /did not answer within 300 ms after [23] attempts|prometheus:slow is failing \(no answer in time/,
      );
      const asked = slow.requestsTo('/api/v1/query').length;
      expect(asked).toBeLessThanOrEqual(3 * 2);

      // The next view does not wait out the retries again: the instance's circuit is open.
      const clock = stopwatch();
      const again = await request(server).get(
        `${API}/entity/component/default/slow`,
      );
      expect(again.status).toBe(200);
      expect(again.body.live.status).toBe('unknown');
      expect(again.body.live.reason).toMatch(/not asked again for \d+ s/);
      const { ms, waitedMs } = clock.elapsed();
      expect(ms).toBeLessThan(300 * 3 + waitedMs);
      expect(slow.requestsTo('/api/v1/query')).toHaveLength(asked);
    });

    it('GET /entity/...?parts=static answers the design without asking a hung Prometheus', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/slow?parts=static`,
      );
      expect(res.status).toBe(200);
      const body = res.body as EntityViewResponse;
      expect(body.parts).toBe('static');
      expect(body.live).toBeUndefined();
      expect(body.redTargets.map(t => t.signal)).toEqual([
        'rate',
        'errors',
        'duration',
      ]);
      expect(body.alerts.length).toBeGreaterThan(0);
      expect(body.deployedRules.status).toBe('unknown');
      // Never asked, so however long it hangs, this answer does not wait.
      expect(slow.requests).toHaveLength(0);
    });

    it('GET /entity/...?parts= names the field when its value is unknown', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/slow?parts=everything`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^Invalid query: parts/);
    });

    it('runbook links on hosts that are not allowed are never fetched', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/elsewhere`,
      );
      expect(res.status).toBe(200);
      expect(checkOf(res.body, 'runbook.links-answer')).toMatchObject({
        status: 'unknown',
        message:
          'Runbook links were not probed. Not probed: https://wiki.example.org/runbooks/elsewhere (host not allowed).',
      });
    });

    it('downloads one artifact with its media type and file name', async () => {
      const rules = await request(server).get(
        `${API}/entity/component/default/checkout/artifacts/prometheus-rules`,
      );
      expect(rules.status).toBe(200);
      expect(rules.headers['content-type']).toBe(
        'application/yaml; charset=utf-8',
      );
      expect(rules.headers['content-disposition']).toMatch(
        /attachment; filename="checkout-prometheus-rules.yaml"/,
      );
      expect(rules.text).toMatch(/^groups:/m);
      expect(rules.text).toMatch(/alert: HighErrorRate/);

      const dashboard = await request(server).get(
        `${API}/entity/component/default/checkout/artifacts/grafana-dashboard`,
      );
      expect(dashboard.headers['content-type']).toBe(
        'application/json; charset=utf-8',
      );
      expect(() => JSON.parse(dashboard.text)).not.toThrow();

      const runbook = await request(server).get(
        `${API}/entity/component/default/checkout/artifacts/runbook%3AHighErrorRate`,
      );
      expect(runbook.status).toBe(200);
      expect(runbook.headers['content-type']).toBe(
        'text/markdown; charset=utf-8',
      );
      expect(runbook.headers['content-disposition']).toMatch(
        /filename="checkout-HighErrorRate.md"/,
      );

      const unknown = await request(server).get(
        `${API}/entity/component/default/checkout/artifacts/nope`,
      );
      expect(unknown.status).toBe(404);
      const bad = await request(server).get(
        `${API}/entity/component/default/checkout/artifacts/${encodeURIComponent(
          '../etc/passwd',
        )}`,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/artifactId/);
    });

    it('bundles every artifact into a zip', async () => {
      const res = await request(server)
        .get(`${API}/entity/component/default/checkout/bundle.zip`)
        .buffer(true)
        .parse((response, callback) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => callback(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toMatch(
        /filename="checkout-observability.zip"/,
      );
      const zip = await JSZip.loadAsync(res.body as Buffer);
      const names = Object.keys(zip.files).filter(n => !zip.files[n].dir);
      expect(names).toEqual(
        expect.arrayContaining([
          'checkout/prometheus-rules.yaml',
          'checkout/grafana-dashboard.json',
          'checkout/runbooks/HighErrorRate.md',
        ]),
      );
      const view = await request(server).get(
        `${API}/entity/component/default/checkout/artifacts/prometheus-rules`,
      );
      expect(
        await zip.file('checkout/prometheus-rules.yaml')!.async('string'),
      ).toBe(view.text);
    });

    it('serves a runbook as Markdown JSON', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/checkout/runbooks/HighErrorRate`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        entityRef: 'component:default/checkout',
        alert: 'HighErrorRate',
        path: 'runbooks/HighErrorRate.md',
      });
      expect(res.body.markdown).toMatch(/^# /m);
      expect(
        (
          await request(server).get(
            `${API}/entity/component/default/checkout/runbooks/Nope`,
          )
        ).status,
      ).toBe(404);
      const bad = await request(server).get(
        `${API}/entity/component/default/checkout/runbooks/${encodeURIComponent(
          'a b',
        )}`,
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/alert:/);
    });

    it("the view groups and dedupes live alerts, asking only for the entity's, and logs a storm", async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/checkout`,
      );
      expect(res.status).toBe(200);
      const { firing } = res.body as EntityViewResponse;
      expect(firing).toMatchObject({ status: 'ok', source: 'alertmanager' });
      expect(firing.alerts.map(a => [a.name, a.count, a.state])).toEqual([
        ['HighErrorRate', 3, 'firing'],
        ['HighLatency', 1, 'suppressed'],
      ]);
      // Per-instance copies fold into one alert without the instance label.
      expect(firing.alerts[0].labels.instance).toBeUndefined();
      // The entity's alerts, and its Watchdog (is its evaluator running?).
      const filters = alertmanager
        .requestsTo('/api/v2/alerts')
        .map(call => new URL(call.url, 'http://x').searchParams.get('filter'));
      expect(filters.sort()).toEqual([
        'redline_watchdog="checkout"',
        'service="checkout"',
      ]);
      // Five raw alerts cross the threshold of 3.
      expect(warnings).toContain(
        'Alert storm detected. Aggregating related alerts: 5 raw alerts folded into 2.',
      );

      warnings.length = 0;
      await request(server).get(
        `${API}/entity/component/default/legacy-billing`,
      );
      expect(warnings.filter(w => /Alert storm/.test(w))).toEqual([]);
    });

    it('the view reports live alerts unknown when the Alertmanager is unreachable', async () => {
      const res = await request(server).get(
        `${API}/entity/component/default/degraded-logs`,
      );
      expect(res.status).toBe(200);
      const body = res.body as EntityViewResponse;
      expect(body.firing).toEqual({
        status: 'unknown',
        // Prometheus "down" is the same server: its circuit may be open.
        reason: expect.stringMatching(
          /alertmanager:down is (unreachable|failing \(unreachable)/,
        ),
        alerts: [],
      });
      expect(checkOf(body, 'alerts.firing')).toMatchObject({
        status: 'unknown',
        message: expect.stringMatching(
          /alertmanager:down is (unreachable|failing \(unreachable)/,
        ),
      });
      expect(body.alerts.some(a => a.firing)).toBe(false);
    });

    it('POST /design answers the seed output schema shaped by the request', async () => {
      const res = await request(server)
        .post(`${API}/design`)
        .send({
          query: 'Design observability for checkout',
          context: {
            observability_pillar: 'metrics',
            stack: 'prometheus-grafana',
          },
          entityRef: 'component:default/checkout',
        });
      expect(res.status).toBe(200);
      expect(res.body.observability_design.pillars).toEqual(expect.any(Array));
      expect(res.body.observability_design.tools).toEqual(expect.any(Array));
      expect(res.body.confidence_score).toBeGreaterThanOrEqual(0);
      expect(res.body.confidence_score).toBeLessThanOrEqual(1);
      expect(Array.isArray(res.body.configuration)).toBe(true);

      const generic = await request(server)
        .post(`${API}/design`)
        .send({
          query: 'logs only please',
          context: { observability_pillar: 'logs' },
        });
      expect(generic.status).toBe(200);
    });

    it('POST /design answers 400 naming the field, 404 for an unknown entity', async () => {
      const short = await request(server)
        .post(`${API}/design`)
        .send({ query: 'abc' });
      expect(short.status).toBe(400);
      expect(short.body.error.message).toMatch(/query/);
      const stack = await request(server)
        .post(`${API}/design`)
        .send({ query: 'valid query', context: { stack: 'splunk' } });
      expect(stack.status).toBe(400);
      expect(stack.body.error.message).toMatch(/context\.stack/);
      const malformed = await request(server)
        .post(`${API}/design`)
        .set('Content-Type', 'application/json')
        .send('{bad');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/request body: not valid JSON/),
      });
      const badRef = await request(server)
        .post(`${API}/design`)
        .send({ query: 'valid query', entityRef: 'not a ref!' });
      expect(badRef.status).toBe(400);
      expect(badRef.body.error.message).toMatch(/^Invalid entityRef: /);
      const missing = await request(server)
        .post(`${API}/design`)
        .send({ query: 'valid query', entityRef: 'component:default/nope' });
      expect(missing.status).toBe(404);
    });

    it('POST /entity/.../apply writes atomically, is idempotent, reloads and records who', async () => {
      const first = await request(server)
        .post(`${API}/entity/component/default/checkout/apply`)
        .send({});
      expect(first.status).toBe(200);
      const body = first.body as ApplyResponse;
      expect(body).toMatchObject({
        entityRef: 'component:default/checkout',
        instance: 'main',
        path: path.join(
          rulesDirectory,
          'redline-component-default-checkout.yaml',
        ),
        changed: true,
        reload: { status: 'ok' },
        appliedBy: mockCredentials.user().principal.userEntityRef,
      });
      expect(body.validated).toBe(
        findBinary('promtool') ? 'promtool' : 'skipped',
      );
      const written = await fs.readFile(body.path, 'utf8');
      const download = await request(server).get(
        `${API}/entity/component/default/checkout/artifacts/prometheus-rules`,
      );
      // The first line names the owner, so no other entity overwrites it.
      expect(written).toBe(
        `# redline-entity: component:default/checkout\n${download.text}`,
      );
      // No temporary file is left next to the rules.
      expect(await fs.readdir(rulesDirectory)).toEqual([
        'redline-component-default-checkout.yaml',
      ]);
      expect(prometheus.requestsTo('/-/reload').map(r => r.method)).toEqual([
        'POST',
      ]);

      const second = await request(server).post(
        `${API}/entity/component/default/checkout/apply`,
      );
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({
        changed: false,
        reload: { status: 'skipped' },
      });
      expect(prometheus.requestsTo('/-/reload')).toHaveLength(1);

      const history = await request(server).get(
        `${API}/entity/component/default/checkout/apply`,
      );
      expect(history.status).toBe(200);
      expect(history.body.items).toEqual([
        expect.objectContaining({
          changed: false,
          reload: { status: 'skipped', message: 'file unchanged' },
          appliedAt: second.body.appliedAt,
        }),
        expect.objectContaining({
          changed: true,
          reload: { status: 'ok' },
          appliedBy: body.appliedBy,
          appliedAt: body.appliedAt,
          validated: body.validated,
        }),
      ]);

      const metrics = await request(server).get(`${API}/metrics`);
      expect(metrics.text).toMatch(
        /redline_alerts_configured_total\{target="prometheus"\} [1-9]/,
      );
    });

    it('POST /entity/.../apply answers 400 for a bad body and 409 without a rules directory', async () => {
      const bad = await request(server)
        .post(`${API}/entity/component/default/checkout/apply`)
        .send({ instance: 42 });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/instance/);
      const extra = await request(server)
        .post(`${API}/entity/component/default/checkout/apply`)
        .send({ force: true });
      expect(extra.status).toBe(400);
      const noDir = await request(server)
        .post(`${API}/entity/component/default/checkout/apply`)
        .send({ instance: 'flaky' });
      expect(noDir.status).toBe(409);
      expect(noDir.body.error.message).toMatch(/no rulesDirectory/);
      const unknownInstance = await request(server)
        .post(`${API}/entity/component/default/checkout/apply`)
        .send({ instance: 'nope' });
      expect(unknownInstance.status).toBe(409);
      expect(unknownInstance.body.error.message).toMatch(
        /instance 'nope'.*not configured/,
      );
      const missing = await request(server).post(
        `${API}/entity/component/default/nope/apply`,
      );
      expect(missing.status).toBe(404);
    });

    it('GET /metrics serves the plugin metrics in Prometheus format without a token', async () => {
      await request(server).get(`${API}/entity/component/default/checkout`);
      await request(server).get(
        `${API}/entity/component/default/checkout/artifacts/grafana-dashboard`,
      );
      const res = await request(server)
        .get(`${API}/metrics`)
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(
        /^# TYPE redline_dashboards_created_total counter$/m,
      );
      expect(res.text).toMatch(
        /^redline_dashboards_created_total\{source="download"\} [1-9]/m,
      );
      expect(res.text).toMatch(
        /^# TYPE redline_alerts_configured_total counter$/m,
      );
      expect(res.text).toMatch(
        /^# TYPE redline_http_request_duration_seconds histogram$/m,
      );
      expect(res.text).toMatch(
        /^redline_http_request_duration_seconds_count\{method="GET",route="[^"]*\/entity\/:kind\/:namespace\/:name",status="200"\} [1-9]/m,
      );
      expect(res.text).toMatch(
        /^redline_incidents_analyzed_total\{source="alertmanager"\} [1-9]/m,
      );
    });

    it('mounts the coverage routes under /coverage', async () => {
      const res = await request(server).get(`${API}/coverage`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ items: expect.any(Array), page: 1 });
      const unauthenticated = await request(server)
        .get(`${API}/coverage`)
        .set('Authorization', mockCredentials.none.header());
      expect(unauthenticated.status).toBe(401);
    });

    it('echoes or generates the correlation id', async () => {
      const route = `${API}/entity/component/default/checkout/runbooks/HighErrorRate`;
      const given = await request(server)
        .get(route)
        .set('x-correlation-id', 'abc-123');
      expect(given.headers['x-correlation-id']).toBe('abc-123');
      const generated = await request(server).get(route);
      expect(generated.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
      const hostile = await request(server)
        .get(route)
        .set('x-correlation-id', 'a b<script>');
      expect(hostile.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
      // Carried into outbound calls.
      await request(server)
        .get(`${API}/entity/component/default/checkout`)
        .set('x-correlation-id', 'trace-me-1');
      expect(
        prometheus.requests.map(r => r.headers['x-correlation-id']),
      ).toContain('trace-me-1');
      expect(
        alertmanager.requests.map(r => r.headers['x-correlation-id']),
      ).toContain('trace-me-1');
    });
  });

  describe('tracing', () => {
    let tracing: ReturnType<typeof installInMemoryTracing>;
    beforeAll(() => {
      tracing = installInMemoryTracing();
    });
    afterAll(async () => {
      await tracing.shutdown();
    });

    it('continues a caller trace, or starts a new one when traceparent is missing, with child spans per outbound call', async () => {
      const server = await startBackend();
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      await request(server)
        .get(`${API}/entity/component/default/checkout`)
        .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`);
      const spans = tracing.exporter.getFinishedSpans();
      const serverSpan = spans.find(s => s.kind === 1 /* SERVER */);
      expect(serverSpan).toBeDefined();
      expect(serverSpan!.spanContext().traceId).toBe(traceId);
      expect(serverSpan!.attributes['redline.trace_context']).toBe(
        'propagated',
      );
      const clientSpans = spans.filter(s => s.kind === 2 /* CLIENT */);
      expect(clientSpans.length).toBeGreaterThanOrEqual(4);
      expect(clientSpans.every(s => s.spanContext().traceId === traceId)).toBe(
        true,
      );
      expect(
        clientSpans.every(
          s => s.parentSpanContext?.spanId === serverSpan!.spanContext().spanId,
        ),
      ).toBe(true);
      // The callee saw the client span as its parent.
      const rulesCall = prometheus.requestsTo('/api/v1/rules')[0];
      expect(rulesCall.headers.traceparent).toMatch(
        new RegExp(`^00-${traceId}-`),
      );

      tracing.exporter.reset();
      await request(server).get(
        `${API}/entity/component/default/checkout/runbooks/HighErrorRate`,
      );
      const [fresh] = tracing.exporter
        .getFinishedSpans()
        .filter(s => s.kind === 1);
      expect(fresh.attributes['redline.trace_context']).toBe('regenerated');
      expect(fresh.spanContext().traceId).not.toBe(traceId);
      expect(fresh.parentSpanContext).toBeUndefined();
    });
  });

  describe('when the permission backend fails', () => {
    it('the view still answers, with canApply: false', async () => {
      const { server } = await startTestBackend({
        features: [
          observabilityPlugin,
          catalogServiceMock.factory({
            entities: testEntities({
              runbookUrl: `${runbooks.url}/runbooks/checkout`,
            }),
          }),
          createServiceFactory({
            service: coreServices.permissions,
            deps: {},
            factory: () => ({
              authorize: async () => {
                throw new Error('permission backend unavailable');
              },
              authorizeConditional: async () => {
                throw new Error('permission backend unavailable');
              },
            }),
          }),
        ],
      });
      const view = await request(server).get(
        `${API}/entity/component/default/legacy-billing`,
      );
      expect(view.status).toBe(200);
      expect(view.body.canApply).toBe(false);
      const apply = await request(server).post(
        `${API}/entity/component/default/legacy-billing/apply`,
      );
      expect(apply.status).toBe(500);
      expect(apply.body.error.stack).toBeUndefined();
    });
  });

  describe('without permission', () => {
    it('POST /entity/.../apply answers 403 and the view says canApply: false', async () => {
      const server = await startBackend({ permission: AuthorizeResult.DENY });
      const res = await request(server)
        .post(`${API}/entity/component/default/checkout/apply`)
        .send({});
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(res.body.error.message).toMatch(/observability\.artifacts\.apply/);
      const view = await request(server).get(
        `${API}/entity/component/default/checkout`,
      );
      expect(view.body.canApply).toBe(false);
    });
  });
});
