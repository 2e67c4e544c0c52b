/**
 * A coverage row and the Observability tab must say the same thing about an
 * entity: both are built from one describe step, one fact gatherer and one
 * check registry. This runs a coverage evaluation over the whole demo
 * catalog through the plugin, then opens the tab of every Component and
 * compares.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AlertmanagerApiAlert,
  CheckStatus,
  CoverageEntityRow,
  describeEntity,
  EntityViewResponse,
  PrometheusApiRuleGroup,
  topCheck,
} from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { loadDemoCatalog } from './__testUtils__/demoCatalog';
import { loadedRules } from './__testUtils__/loadedRules';
import { FakeServer, promOk, SeenRequest } from './__testUtils__/fakeServer';
import { observabilityPlugin } from './plugin';
import { readObservabilityConfig } from './services/config';

jest.setTimeout(120_000);

const API = '/api/observability';

const entities = loadDemoCatalog();
const components = entities.filter(e => e.kind === 'Component');
const byName = (name: string): Entity => {
  const found = components.find(e => e.metadata.name === name);
  if (!found) throw new Error(`The demo catalog has no Component ${name}`);
  return found;
};

/** Series with a recent sample, by their full label set. */
const SERIES: Array<Record<string, string>> = [
  ...['http_requests_total', 'http_request_duration_seconds_bucket'].flatMap(
    (name): Array<Record<string, string>> => [
      { __name__: name, service: 'checkout', pod: 'checkout-1' },
      { __name__: name, service: 'search-api', pod: 'search-1' },
      { __name__: name, job: 'api-gateway', env: 'prod', pod: 'gw-1' },
      // Outside the selector's region=~"eu-.*": event-ingest has no series.
      { __name__: name, service: 'event-ingest', region: 'us-east-1' },
    ],
  ),
  // Requests but no latency histogram: a partial answer.
  { __name__: 'http_requests_total', service: 'payment-gateway' },
  // Histogram buckets other than the configured ones: auth-service's 250ms
  // SLO is below all of its buckets, reporting-api's 750ms is one of its
  // own, and event-ingest's are outside its selector's region.
  ...Object.entries({
    'auth-service': ['0.3', '0.5', '+Inf'],
    'reporting-api': ['0.25', '0.75', '+Inf'],
    'event-ingest': ['0.01', '+Inf'],
  }).flatMap(([service, les]) =>
    les.map(le => ({
      __name__: 'http_request_duration_seconds_bucket',
      service,
      le,
      ...(service === 'event-ingest' ? { region: 'us-east-1' } : {}),
    })),
  ),
];

/**
 * `group by (<labels>) ({__name__=~"a|b"})` and `group by (le, <labels>)
 * (<metric>)` evaluated over {@link SERIES}.
 */
function groupBy(query: string): Array<Record<string, string>> {
  const by = /^group by \(([^)]*)\)/.exec(query)?.[1];
  const names =
    /__name__=~"([^"]*)"/.exec(query)?.[1] ??
    /^group by \([^)]*\) \(([a-zA-Z_:][a-zA-Z0-9_:]*)\)$/.exec(query)?.[1];
  if (by === undefined || names === undefined)
    throw new Error(`Unexpected instant query: ${query}`);
  const labels = by.split(',').map(l => l.trim());
  const wanted = new Set(names.split('|'));
  const seen = new Map<string, Record<string, string>>();
  for (const series of SERIES.filter(s => wanted.has(s.__name__))) {
    const kept = Object.fromEntries(
      labels.filter(l => l in series).map(l => [l, series[l]]),
    );
    seen.set(JSON.stringify(kept), kept);
  }
  return [...seen.values()];
}

function alert(
  labels: Record<string, string>,
  state: AlertmanagerApiAlert['status']['state'] = 'active',
): AlertmanagerApiAlert {
  return {
    fingerprint: Object.values(labels).join('/'),
    labels,
    annotations: {},
    startsAt: '2026-11-25T01:00:00Z',
    status: { state },
  };
}

const ALERTS: AlertmanagerApiAlert[] = [
  alert({
    alertname: 'HighErrorRate',
    service: 'search-api',
    severity: 'critical',
    instance: 'pod-1',
  }),
  alert({
    alertname: 'HighErrorRate',
    service: 'search-api',
    severity: 'critical',
    instance: 'pod-2',
  }),
  alert({
    alertname: 'HighLatencyP99',
    service: 'checkout',
    severity: 'warning',
  }),
  alert({
    alertname: 'HighErrorRate',
    service: 'event-ingest',
    severity: 'critical',
  }),
  alert(
    { alertname: 'HighErrorRate', service: 'refunds', severity: 'critical' },
    'suppressed',
  ),
];

/** Alertmanager's `filter=label="value"`, or every alert without one. */
function alertmanagerAnswer(req: SeenRequest) {
  const filter = new URL(req.url, 'http://x').searchParams.get('filter');
  if (!filter) return { status: 200, json: ALERTS };
  const [, label, quoted] = /^([^=]+)=(".*")$/.exec(filter) ?? [];
  const value = JSON.parse(quoted);
  return { status: 200, json: ALERTS.filter(a => a.labels[label] === value) };
}

/** The coverage column for the tab's `deployment.rules-loaded` check. */
const RULES_DEPLOYED: Record<CheckStatus, CoverageEntityRow['rulesDeployed']> =
  { pass: 'yes', warn: 'no', fail: 'no', unknown: 'unknown' };

describe('a coverage row says what the tab says', () => {
  let prometheus: FakeServer;
  let alertmanager: FakeServer;

  beforeAll(async () => {
    [prometheus, alertmanager] = await Promise.all([
      FakeServer.start(),
      FakeServer.start(),
    ]);
    alertmanager.otherwise(alertmanagerAnswer);
  });

  afterAll(async () => {
    await Promise.all([prometheus.stop(), alertmanager.stop()]);
  });

  function configData() {
    return {
      app: { baseUrl: 'http://portal.test' },
      observability: {
        prometheus: {
          timeoutMs: 1000,
          instances: [{ name: 'main', url: prometheus.url, default: true }],
        },
        alertmanager: {
          instances: [{ name: 'main', url: alertmanager.url, default: true }],
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
    };
  }

  it('for every Component of the demo catalog: failing checks, top failing check, rules deployed, confidence', async () => {
    const data = configData();
    const { generator } = readObservabilityConfig(new ConfigReader(data));
    // Rules loaded for a few services, so the entities' results differ:
    // all of checkout's, search-api's and api-gateway's, one of
    // payment-gateway's alerts, and a hand-written cause-based alert.
    const groups: PrometheusApiRuleGroup[] = [
      ...loadedRules(byName('checkout'), generator),
      ...loadedRules(byName('search-api'), generator),
      ...loadedRules(byName('api-gateway'), generator),
      ...loadedRules(byName('payment-gateway'), generator, (_, i) => i === 0),
      {
        name: 'hand-written',
        file: '/etc/prometheus/rules/notification-service.yaml',
        rules: [
          {
            type: 'alerting',
            name: 'NotificationCpuHigh',
            query:
              'rate(process_cpu_seconds_total{service="notification-service"}[5m]) > 0.8',
            labels: { service: 'notification-service' },
          },
        ],
      },
    ];
    prometheus.otherwise(req => {
      const url = new URL(req.url, 'http://x');
      switch (url.pathname) {
        case '/api/v1/rules':
          return promOk({ groups });
        case '/api/v1/query': {
          const query = url.searchParams.get('query') ?? '';
          // The run's SLO attainment (counts over the window): these series
          // have no history, so every SLO reads "no data", row and tab alike.
          if (query.includes('increase('))
            return promOk({ resultType: 'vector', result: [] });
          return promOk({
            resultType: 'vector',
            result: groupBy(query).map(metric => ({
              metric,
              value: [0, '1'],
            })),
          });
        }
        case '/api/v1/query_range':
          return promOk({ resultType: 'matrix', result: [] });
        default:
          return { status: 404, text: 'not found' };
      }
    });

    const { server } = await startTestBackend({
      features: [
        observabilityPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({ data }),
      ],
    });
    const auth = mockCredentials.user.header();

    const refresh = await request(server)
      .post(`${API}/coverage/refresh`)
      .set('Authorization', auth);
    expect(refresh.body).toEqual({ status: 'triggered' });
    const coverage = await request(server)
      .get(`${API}/coverage?pageSize=500`)
      .set('Authorization', auth);
    expect(coverage.status).toBe(200);
    const rows = new Map<string, CoverageEntityRow>(
      coverage.body.items.map((row: CoverageEntityRow) => [row.entityRef, row]),
    );

    // Libraries and websites serve no requests: the coverage table leaves
    // them out, by the same describe step that gives them no RED targets.
    const serving = components.filter(
      c => describeEntity(c, generator).spec.servesRequests,
    );
    const refs = serving.map(c => stringifyEntityRef(c)).sort();
    expect(serving.length).toBeGreaterThanOrEqual(20);
    expect(serving.length).toBeLessThan(components.length);
    expect([...rows.keys()].sort()).toEqual(refs);

    const fromRows: object[] = [];
    const fromTabs: object[] = [];
    const sloChecks = new Map<string, CheckStatus | undefined>();
    for (const ref of refs) {
      const [kind, rest] = ref.split(':');
      const res = await request(server)
        .get(`${API}/entity/${kind}/${rest}`)
        .set('Authorization', auth);
      expect(res.status).toBe(200);
      const view = res.body as EntityViewResponse;
      sloChecks.set(
        ref,
        view.checks.find(c => c.id === 'metadata.slo')?.status,
      );
      // summarizeChecks' rule: the top check counts when it fails.
      const top = topCheck(view.checks);
      const rules = view.checks.find(c => c.id === 'deployment.rules-loaded');
      fromTabs.push({
        ref,
        failingChecks: view.checks.filter(c => c.status === 'fail').length,
        topFailingCheck: top?.status === 'fail' ? top.title : null,
        rulesDeployed: RULES_DEPLOYED[rules?.status ?? 'unknown'],
        confidence: view.confidence.score,
      });
      const row = rows.get(ref)!;
      fromRows.push({
        ref,
        failingChecks: row.failingChecks,
        topFailingCheck: row.topFailingCheck ?? null,
        rulesDeployed: row.rulesDeployed,
        confidence: row.confidence,
      });
    }
    expect(fromRows).toEqual(fromTabs);

    // Not a comparison of identical rows: the facts set entities apart.
    const all = [...rows.values()];
    expect(new Set(all.map(r => r.failingChecks)).size).toBeGreaterThan(2);
    expect(new Set(all.map(r => r.topFailingCheck)).size).toBeGreaterThan(2);
    expect(new Set(all.map(r => r.rulesDeployed))).toEqual(
      new Set(['yes', 'no']),
    );
    const row = (name: string) =>
      all.find(r => r.entityRef === `component:default/${name}`)!;
    expect(row('search-api').topFailingCheck).toBe('Firing alerts');
    expect(row('checkout').rulesDeployed).toBe('yes');
    expect(row('legacy-billing').rulesDeployed).toBe('no');
    // Latency SLOs at the buckets each service exposes, in rows and tabs.
    const slo = (name: string) => sloChecks.get(`component:default/${name}`);
    expect(slo('auth-service')).toBe('fail');
    expect(slo('reporting-api')).toBe('pass');
    // 100ms is a configured bucket; a live 0.01 outside the selector's
    // region would have made it measured at 10ms.
    expect(slo('event-ingest')).toBe('pass');
  });
});
