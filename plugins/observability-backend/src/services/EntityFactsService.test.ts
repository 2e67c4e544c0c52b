import type { Entity } from '@backstage/catalog-model';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  alertViews,
  AlertmanagerApiAlert,
  DEFAULT_GENERATOR_CONFIG,
  describeEntity,
  PrometheusApiRuleGroup,
  type FiringAlert,
} from '@redline/backstage-plugin-observability-common';
import { backgroundContext } from '../telemetry/context';
import { EntityFactsService } from './EntityFactsService';
import { component } from '../__testUtils__/entities';

const entity = component('checkout', {
  'redline.dev/slo-availability': '99.9',
  'redline.dev/slo-latency': '99% < 300ms',
  'redline.dev/log-selector': '{app="checkout"}',
});

const described = (e: Entity) => describeEntity(e, DEFAULT_GENERATOR_CONFIG);

function firing(labels: Record<string, string>): FiringAlert {
  return {
    name: labels.alertname,
    state: 'firing',
    labels,
    annotations: {},
    count: 1,
  };
}

describe('alertViews (the tab lists each generated alert with its live state)', () => {
  it('marks only the burning SLO and window as firing, not every alert with the same name', () => {
    const { artifacts } = described(entity);
    const views = alertViews(artifacts, {
      firingAlerts: {
        status: 'ok',
        alerts: [
          firing({
            alertname: 'SLOErrorBudgetBurn',
            slo: 'availability',
            burn_window: 'fast',
          }),
        ],
      },
    });
    const firingKeys = views.filter(v => v.firing).map(v => v.key);
    expect(firingKeys).toEqual(['SLOErrorBudgetBurn:availability:fast']);
    // The latency SLO shares the alert name and must stay quiet.
    expect(
      views.some(v => v.key.startsWith('SLOErrorBudgetBurn:latency')),
    ).toBe(true);
  });

  it('reports the Loki fallback alert as unknown in Prometheus, the rest as deployed or not', () => {
    const { artifacts } = described(entity);
    const prometheusNames = artifacts.alerts
      .filter(a => a.name !== 'LogErrorRateFallback')
      .map(a => a.name);
    const views = alertViews(artifacts, {
      deployedRules: {
        status: 'ok',
        loadedAlerts: prometheusNames,
        loadedRecords: [],
      },
    });
    const byKey = Object.fromEntries(views.map(v => [v.key, v.deployed]));
    expect(byKey.LogErrorRateFallback).toBe('unknown');
    expect(byKey.HighErrorRate).toBe('yes');
    expect(Object.values(byKey).filter(d => d === 'no')).toEqual([]);
  });

  it('is unknown everywhere when Prometheus did not answer', () => {
    const views = alertViews(described(entity).artifacts, {
      deployedRules: { status: 'unknown', reason: 'connection refused' },
    });
    expect(new Set(views.map(v => v.deployed))).toEqual(new Set(['unknown']));
    expect(views.some(v => v.firing)).toBe(false);
  });
});

/** A Prometheus client that records what it was asked. */
function fakePrometheus(
  name: string,
  groups: PrometheusApiRuleGroup[],
  isDefault = false,
) {
  const calls: string[] = [];
  return {
    calls,
    client: {
      instance: { name, url: `http://${name}.test`, default: isDefault },
      async rules() {
        calls.push('rules');
        return { groups, fetchedAt: 0 };
      },
      async labelSets(metrics: string[], labels: string[]) {
        calls.push(`labelSets ${metrics.join(',')} by ${labels.join(',')}`);
        return metrics.map(m => ({ __name__: m, service: 'search' }));
      },
    },
  };
}

function alertmanagerAlert(
  labels: Record<string, string>,
): AlertmanagerApiAlert {
  return {
    fingerprint: Object.values(labels).join('/'),
    labels,
    annotations: {},
    status: { state: 'active' },
  };
}

describe('EntityFactsService.cycle', () => {
  const ctx = () => backgroundContext(mockServices.logger.mock());
  const search = component('search', {
    'redline.dev/prometheus-instance': 'secondary',
  });
  const firingOnSecondary: PrometheusApiRuleGroup = {
    name: 'search',
    file: 'search.yaml',
    rules: [
      {
        type: 'alerting',
        name: 'HighErrorRate',
        query: 'x',
        labels: { service: 'search', severity: 'critical' },
        alerts: [
          {
            labels: { service: 'search', severity: 'critical' },
            annotations: {},
            state: 'firing',
          },
        ],
      },
    ],
  };

  function service(options: {
    alertmanagerAlerts?: AlertmanagerApiAlert[];
    owners?: string[];
  }) {
    const main = fakePrometheus('main', [], true);
    const secondary = fakePrometheus('secondary', [firingOnSecondary]);
    const alertmanagerCalls: Array<
      { label: string; value: string } | undefined
    > = [];
    const ownerLookups: Array<{ refs: string[]; credentials: unknown }> = [];
    const facts = EntityFactsService.create({
      catalog: {
        async getEntitiesByRefs(
          request: { entityRefs: string[] },
          opts: { credentials: unknown },
        ) {
          ownerLookups.push({
            refs: request.entityRefs,
            credentials: opts.credentials,
          });
          return {
            items: request.entityRefs.map(ref =>
              options.owners?.includes(ref) ? ({} as Entity) : undefined,
            ),
          };
        },
      } as any,
      prometheus: [main.client as any, secondary.client as any],
      alertmanagers: options.alertmanagerAlerts
        ? [
            {
              instance: { name: 'am', url: 'http://am.test', default: true },
              async alerts(
                _ctx: unknown,
                only?: { label: string; value: string },
              ) {
                alertmanagerCalls.push(only);
                return options.alertmanagerAlerts!.filter(
                  a => !only || a.labels[only.label] === only.value,
                );
              },
            } as any,
          ]
        : [],
      runbooks: { checkAll: async () => [] } as any,
      stormThreshold: 50,
    });
    return { facts, main, secondary, alertmanagerCalls, ownerLookups };
  }

  it("reads rules, series and alert states from the entity's own Prometheus instance", async () => {
    const { facts, main, secondary } = service({});
    const { facts: gathered, alerts } = await facts
      .cycle({ credentials: mockCredentials.user(), ctx: ctx() })
      .gather(described(search));
    expect(main.calls).toEqual([]);
    expect(secondary.calls).toEqual([
      'rules',
      'labelSets http_requests_total,http_request_duration_seconds_bucket by service',
    ]);
    expect(gathered.deployedRules).toMatchObject({
      status: 'ok',
      loadedAlerts: ['HighErrorRate'],
    });
    expect(gathered.metrics).toMatchObject({ status: 'ok', missing: [] });
    // No Alertmanager configured: Prometheus' own rule states say what fires.
    expect(alerts).toMatchObject({ status: 'ok', source: 'prometheus' });
    expect(alerts.alerts.map(a => [a.name, a.state])).toEqual([
      ['HighErrorRate', 'firing'],
    ]);
  });

  it('leaves the facts of an instance that is not configured unknown, saying which', async () => {
    const { facts } = service({});
    const { facts: gathered, alerts } = await facts
      .cycle({ credentials: mockCredentials.user(), ctx: ctx() })
      .gather(
        described(
          component('elsewhere', { 'redline.dev/prometheus-instance': 'nope' }),
        ),
      );
    const reason =
      "Prometheus: instance 'nope' named by the entity is not configured (configured: main, secondary)";
    expect(gathered.deployedRules).toEqual({ status: 'unknown', reason });
    expect(gathered.metrics).toMatchObject({
      status: 'unknown',
      reason: expect.stringContaining(reason),
    });
    expect(alerts).toMatchObject({ status: 'unknown', reason });
  });

  it("looks owners up in the catalog with the caller's credentials, once per prefetch", async () => {
    const credentials = mockCredentials.user('user:default/alice');
    const { facts, ownerLookups } = service({
      owners: ['group:default/payments'],
    });
    const cycle = facts.cycle({ credentials, ctx: ctx() });
    await cycle.prefetchOwners([
      'group:default/payments',
      'group:default/ghosts',
      'group:default/payments',
    ]);
    const [checkout, orphan] = await Promise.all([
      cycle.gather(described(entity)),
      cycle.gather(
        described({
          ...component('orphan'),
          spec: { type: 'service', owner: 'group:default/ghosts' },
        }),
      ),
    ]);
    expect(checkout.facts.ownerExists).toBe(true);
    expect(orphan.facts.ownerExists).toBe(false);
    expect(ownerLookups).toEqual([
      {
        refs: ['group:default/payments', 'group:default/ghosts'],
        credentials,
      },
    ]);
  });

  it('keeps which owners exist per caller, so views of one caller ask the catalog once', async () => {
    const alice = mockCredentials.user('user:default/alice');
    const bob = mockCredentials.user('user:default/bob');
    const { facts, ownerLookups } = service({
      owners: ['group:default/payments'],
    });
    const view = (credentials: typeof alice) =>
      facts.cycle({ credentials, ctx: ctx() }).gather(described(entity));
    const first = await view(alice);
    const again = await view(alice);
    const other = await view(bob);
    expect([first, again, other].map(g => g.facts.ownerExists)).toEqual([
      true,
      true,
      true,
    ]);
    // Catalog permissions depend on the caller: bob's view asks for itself.
    expect(ownerLookups.map(l => l.credentials)).toEqual([alice, bob]);
  });

  it("asks Alertmanager for the entity's alerts in the tab, for all alerts once in a batch", async () => {
    const alertmanagerAlerts = [
      alertmanagerAlert({ alertname: 'HighErrorRate', service: 'checkout' }),
      alertmanagerAlert({ alertname: 'HighLatency', service: 'search' }),
    ];
    const tab = service({ alertmanagerAlerts });
    const { alerts } = await tab.facts
      .cycle({ credentials: mockCredentials.user(), ctx: ctx() })
      .gather(described(entity));
    expect(tab.alertmanagerCalls).toEqual([
      { label: 'service', value: 'checkout' },
    ]);
    expect(alerts.source).toBe('alertmanager');
    expect(alerts.alerts.map(a => a.name)).toEqual(['HighErrorRate']);

    const batch = service({ alertmanagerAlerts });
    const cycle = batch.facts.cycle({
      credentials: mockCredentials.service(),
      ctx: ctx(),
      batch: true,
    });
    const [checkout, other] = await Promise.all([
      cycle.gather(described(entity)),
      cycle.gather(described(component('search'))),
    ]);
    expect(batch.alertmanagerCalls).toEqual([undefined]);
    // Each entity still sees only its own alerts.
    expect(checkout.alerts.alerts.map(a => a.name)).toEqual(['HighErrorRate']);
    expect(other.alerts.alerts.map(a => a.name)).toEqual(['HighLatency']);
  });
});

describe('EntityFactsService.liveValues', () => {
  function serviceWith(prometheus: object) {
    return EntityFactsService.create({
      catalog: {} as any,
      prometheus: [prometheus as any],
      alertmanagers: [],
      runbooks: {} as any,
      stormThreshold: 50,
      now: () => 1_000_007_000,
    });
  }
  const instance = { name: 'main', url: 'http://127.0.0.1:1', default: true };

  it('asks for every RED signal in one range query and scales each to its unit', async () => {
    const { spec, redTargets } = described(entity);
    const queries: Array<{ promql: string; range: object }> = [];
    const end = 1_000_005;
    const live = await serviceWith({
      instance,
      async queryRecentRange(promql: string, range: object) {
        queries.push({ promql, range });
        return {
          end,
          series: [
            { labels: { redline_signal: 'errors' }, points: [[end, 0.004]] },
            { labels: { redline_signal: 'rate' }, points: [[end - 300, 2]] },
          ],
        };
      },
    }).liveValues(
      spec,
      redTargets,
      backgroundContext(mockServices.logger.mock()),
    );
    expect(queries).toHaveLength(1);
    // The last hour in 5-minute steps, up to a multiple of 15 s.
    expect(queries[0].range).toEqual({
      lookbackSeconds: 3600,
      stepSeconds: 300,
      alignSeconds: 15,
    });
    for (const target of redTargets)
      expect(queries[0].promql).toContain(target.promql);
    expect(live).toEqual({
      status: 'ok',
      values: [
        // No point at `end`: no current value, but the trend is shown.
        { signal: 'rate', value: null, unit: 'req/s', trend: [[end - 300, 2]] },
        { signal: 'errors', value: 0.4, unit: 'percent', trend: [[end, 0.4]] },
        { signal: 'duration', value: null, unit: 'ms', trend: [] },
      ],
    });
  });

  it('asks nothing for an entity without RED targets (a library)', async () => {
    const { spec } = described(entity);
    const queries: string[] = [];
    const live = await serviceWith({
      instance,
      async queryRecentRange(promql: string) {
        queries.push(promql);
        return { end: 0, series: [], readAt: 0 };
      },
    }).liveValues(spec, [], backgroundContext(mockServices.logger.mock()));
    expect(live).toBeUndefined();
    expect(queries).toEqual([]);
  });

  it('says why when Prometheus did not answer', async () => {
    const { spec, redTargets } = described(entity);
    const live = await serviceWith({
      instance,
      async queryRecentRange() {
        throw Object.assign(new Error('connection refused'), { attempts: 3 });
      },
    }).liveValues(
      spec,
      redTargets,
      backgroundContext(mockServices.logger.mock()),
    );
    expect(live?.status).toBe('fallback-logs');
    expect(live?.reason).toContain('connection refused after 3 attempts');
    expect(live?.values).toEqual([]);
  });
});

describe('EntityFactsService without Prometheus and the Watchdog', () => {
  const ctx = () => backgroundContext(mockServices.logger.mock());
  const hung = {
    instance: { name: 'main', url: 'http://main.test', default: true },
    rules: () => new Promise(() => {}),
    labelSets: () => new Promise(() => {}),
    bucketLabelSets: () => new Promise(() => {}),
  };

  function service(alerts: AlertmanagerApiAlert[] | Error) {
    return EntityFactsService.create({
      catalog: {
        getEntitiesByRefs: async (request: { entityRefs: string[] }) => ({
          items: request.entityRefs.map(() => ({} as Entity)),
        }),
      } as any,
      prometheus: [hung as any],
      alertmanagers: [
        {
          instance: { name: 'am', url: 'http://am.test', default: true },
          async alerts(_ctx: unknown, only?: { label: string; value: string }) {
            if (alerts instanceof Error) throw alerts;
            return alerts.filter(
              a => !only || a.labels[only.label] === only.value,
            );
          },
        } as any,
      ],
      runbooks: { checkAll: async () => [] } as any,
      stormThreshold: 50,
    });
  }

  it('gathers Alertmanager alerts and the owner while Prometheus hangs, leaving its facts unknown', async () => {
    const facts = service([
      alertmanagerAlert({ alertname: 'HighErrorRate', service: 'checkout' }),
    ]);
    const { facts: gathered, alerts } = await facts
      .cycle({
        credentials: mockCredentials.user(),
        ctx: ctx(),
        prometheus: false,
      })
      .gather(described(entity));
    expect(alerts.status).toBe('ok');
    expect(alerts.alerts.map(a => a.name)).toEqual(['HighErrorRate']);
    expect(gathered.ownerExists).toBe(true);
    expect(gathered.deployedRules).toBeUndefined();
    expect(gathered.metrics).toBeUndefined();
  });

  it('says the evaluator is alive while the Watchdog fires in Alertmanager', async () => {
    const facts = service([
      {
        ...alertmanagerAlert({
          alertname: 'Watchdog',
          redline_watchdog: 'checkout',
        }),
        startsAt: '2026-11-30T11:00:00Z',
      },
    ]);
    await expect(
      facts.evaluator(described(entity).spec, ctx()),
    ).resolves.toEqual({ status: 'ok', since: '2026-11-30T11:00:00Z' });
  });

  it("says the evaluator stopped when Alertmanager has no Watchdog of the entity's rules", async () => {
    const facts = service([
      alertmanagerAlert({ alertname: 'Watchdog', redline_watchdog: 'search' }),
    ]);
    const status = await facts.evaluator(described(entity).spec, ctx());
    expect(status?.status).toBe('stopped');
    expect(status && 'reason' in status && status.reason).toMatch(
      /no Watchdog from this service's rules/,
    );
  });

  it('says unknown, with the cause, when Alertmanager fails', async () => {
    const facts = service(new Error('Alertmanager am: connection refused'));
    await expect(
      facts.evaluator(described(entity).spec, ctx()),
    ).resolves.toEqual({
      status: 'unknown',
      reason: 'Alertmanager am: connection refused',
    });
  });
});
