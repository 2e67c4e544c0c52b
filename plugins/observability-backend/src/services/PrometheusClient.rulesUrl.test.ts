import { mockServices } from '@backstage/backend-test-utils';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { FakeServer, promOk } from '../__testUtils__/fakeServer';
import type { RequestContext } from '../telemetry/context';
import { OutboundHttp } from './OutboundHttp';
import { PrometheusClient } from './PrometheusClient';

const ctx: RequestContext = {
  correlationId: 'corr-rules-url',
  logger: mockServices.logger.mock(),
  trace: ROOT_CONTEXT,
};

/**
 * vmalert 1.79's `/api/v1/rules`, as it answered for a loaded file: fields
 * Prometheus does not have (ids, `datasourceType`, `lastSamples`), an empty
 * `state` on recording rules and no `labels` key when a rule has none.
 */
const vmalertRules = {
  groups: [
    {
      name: 'checkout-red',
      rules: [
        {
          state: '',
          name: 'service:http_requests:rate5m',
          query: 'sum(rate(http_requests_total{service="checkout"}[5m]))',
          duration: 0,
          lastError: '',
          evaluationTime: 0.013,
          lastEvaluation: '2026-11-30T18:51:02.392574162Z',
          health: 'ok',
          type: 'recording',
          datasourceType: 'prometheus',
          lastSamples: 1,
          id: '15511683722869137404',
          group_id: '3614445129070636697',
        },
        {
          state: 'firing',
          name: 'HighErrorRate',
          query: 'service:http_errors:ratio_rate5m > 0.05',
          duration: 300,
          labels: { severity: 'critical', service: 'checkout' },
          annotations: { runbook_url: 'http://portal/runbooks/HighErrorRate' },
          lastError: '',
          health: 'ok',
          type: 'alerting',
          alerts: [
            {
              state: 'firing',
              name: 'HighErrorRate',
              value: '1',
              labels: {
                alertgroup: 'checkout-red',
                alertname: 'HighErrorRate',
                service: 'checkout',
              },
              annotations: {
                runbook_url: 'http://portal/runbooks/HighErrorRate',
              },
              activeAt: '2026-11-30T18:50:58.392574162Z',
              id: '3603593699598622952',
              restored: false,
            },
          ],
          datasourceType: 'prometheus',
          id: '16915628740873733270',
          group_id: '3614445129070636697',
        },
      ],
      interval: 2,
      type: 'prometheus',
      id: '3614445129070636697',
      file: '/rules/redline-component-default-checkout.yaml',
      concurrency: 1,
    },
  ],
};

const emptyVector = promOk({ resultType: 'vector', result: [] });

describe('PrometheusClient with a separate rule evaluator (rulesUrl)', () => {
  let datasource: FakeServer;
  let evaluator: FakeServer;
  beforeEach(async () => {
    datasource = await FakeServer.start();
    evaluator = await FakeServer.start();
    datasource.otherwise(() => emptyVector);
  });
  afterEach(async () => {
    await datasource.stop();
    await evaluator.stop();
  });

  function client(openCircuitMs = 30_000) {
    return PrometheusClient.create({
      instance: {
        name: 'vm',
        url: datasource.url,
        rulesUrl: evaluator.url,
        default: true,
      },
      http: OutboundHttp.create({
        retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
        timeoutMs: 2000,
        openCircuitMs,
      }),
      rulesTtlMs: 30_000,
    });
  }

  it('reads the rules from rulesUrl once for many entities, and queries from url', async () => {
    evaluator.otherwise(() => promOk(vmalertRules));
    const prometheus = client();
    const snapshots = await Promise.all(
      Array.from({ length: 20 }, () => prometheus.rules(ctx)),
    );
    await prometheus.labelSets(['http_requests_total'], ['service'], ctx);

    expect(evaluator.requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v1/rules',
    ]);
    expect(datasource.requestsTo('/api/v1/rules')).toHaveLength(0);
    expect(datasource.requestsTo('/api/v1/query')).toHaveLength(1);
    expect(prometheus.rulesFetchCount).toBe(1);
    const [group] = snapshots[0].groups;
    expect(group.file).toBe('/rules/redline-component-default-checkout.yaml');
    expect(group.rules.map(r => [r.type, r.name])).toEqual([
      ['recording', 'service:http_requests:rate5m'],
      ['alerting', 'HighErrorRate'],
    ]);
    expect(group.rules[1].alerts?.[0].labels.alertname).toBe('HighErrorRate');
  });

  it('reads vmalert without any rule file loaded ("groups": null) as no groups', async () => {
    evaluator.otherwise(() => promOk({ groups: null }));
    await expect(client().rules(ctx)).resolves.toMatchObject({ groups: [] });
  });

  it('asks rulesUrl to reload and reads the rules afresh afterwards', async () => {
    evaluator.otherwise(req =>
      req.method === 'POST' ? { status: 200, text: '' } : promOk(vmalertRules),
    );
    const prometheus = client();
    await prometheus.rules(ctx);
    await prometheus.reload(ctx);
    await prometheus.rules(ctx);
    expect(evaluator.requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v1/rules',
      'POST /-/reload',
      'GET /api/v1/rules',
    ]);
    expect(datasource.requests).toHaveLength(0);
  });

  it('keeps separate circuits: a failing evaluator does not make queries fail fast', async () => {
    evaluator.otherwise(() => ({ status: 503, text: 'down' }));
    const prometheus = client();
    const failure = await prometheus.rules(ctx).catch(error => error);
    expect(failure).toMatchObject({ kind: 'server', attempts: 3 });
    expect(failure.message).toContain('prometheus:vm:rules');

    await expect(prometheus.rules(ctx)).rejects.toMatchObject({
      kind: 'circuit-open',
    });
    await expect(prometheus.labelSets(['up'], [], ctx)).resolves.toEqual([]);
    expect(evaluator.requests).toHaveLength(3);
    expect(datasource.requests).toHaveLength(1);
  });
});

describe('PrometheusClient against a multi-tenant Prometheus API (Mimir, Cortex)', () => {
  let mimir: FakeServer;
  beforeEach(async () => {
    mimir = await FakeServer.start();
  });
  afterEach(() => mimir.stop());

  it('names its tenant in X-Scope-OrgID on queries, rules and reloads', async () => {
    mimir.otherwise(req => {
      if (req.method === 'POST') return { status: 200, text: '' };
      return req.url.startsWith('/prometheus/api/v1/rules')
        ? promOk(vmalertRules)
        : emptyVector;
    });
    const prometheus = PrometheusClient.create({
      instance: {
        name: 'mimir',
        url: `${mimir.url}/prometheus`,
        tenant: 'payments',
        default: true,
      },
      http: OutboundHttp.create({
        retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
        timeoutMs: 2000,
      }),
      rulesTtlMs: 30_000,
    });
    await prometheus.rules(ctx);
    await prometheus.labelSets(['http_requests_total'], ['service'], ctx);
    await prometheus.reload(ctx);
    expect(
      mimir.requests.map(r => [
        `${r.method} ${r.url.split('?')[0]}`,
        r.headers['x-scope-orgid'],
      ]),
    ).toEqual([
      ['GET /prometheus/api/v1/rules', 'payments'],
      ['GET /prometheus/api/v1/query', 'payments'],
      ['POST /prometheus/-/reload', 'payments'],
    ]);
  });
});
