import type { Entity } from '@backstage/catalog-model';
import { describeEntity } from '../describe';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { findPromqlSyntaxError } from '../spec/labelMatchers';
import { inlineRecordedSeries, selectorsOf } from './inlineRecordedSeries';
import { backtestStep, planBacktest } from './plan';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: {
      'redline.dev/service-name': 'checkout',
      'redline.dev/slo-availability': '99.9',
      'redline.dev/error-rate-threshold': '0.5',
      'redline.dev/log-selector': '{app="checkout"}',
    },
  },
  spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
};

describe('backtestStep', () => {
  it('keeps a minute up to a week and stays under 11,000 points a series up to 30 days', () => {
    expect(backtestStep(1)).toBe(60);
    expect(backtestStep(7)).toBe(60);
    expect(backtestStep(14)).toBe(120);
    expect(backtestStep(30)).toBe(240);
    for (let days = 1; days <= 30; days++)
      expect(
        Math.floor((days * 86_400) / backtestStep(days)) + 1,
      ).toBeLessThanOrEqual(11_000);
  });
});

describe('inlineRecordedSeries', () => {
  const rules = [
    {
      record: 'job:errors:ratio',
      expr: 'sum(rate(errors_total{job="a"}[5m])) / sum(rate(requests_total{job="a"}[5m]))',
      labels: { job: 'a' },
    },
    {
      record: 'job:errors:ratio',
      expr: 'sum(rate(errors_total{job="b"}[5m]))',
      labels: { job: 'b' },
    },
    {
      record: 'job:errors:avg1h',
      expr: 'avg_over_time(job:errors:ratio{job="b"}[1h])',
      labels: { job: 'b' },
    },
  ];

  it('picks the rule the matchers single out and keeps its labels', () => {
    const { promql, unresolved } = inlineRecordedSeries(
      'job:errors:ratio{job="b"} > 0.1',
      rules,
    );
    expect(promql).toBe(
      'label_replace((sum(rate(errors_total{job="b"}[5m]))), "job", "b", "", "") > 0.1',
    );
    expect(unresolved).toEqual([]);
  });

  it('turns a range over a recorded series into a subquery, recursively', () => {
    const { promql } = inlineRecordedSeries(
      'job:errors:avg1h{job="b"} > 1',
      rules,
    );
    expect(promql).toContain(
      'avg_over_time(label_replace((sum(rate(errors_total{job="b"}[5m]))), "job", "b", "", "")[1h:1m])',
    );
    expect(findPromqlSyntaxError(promql)).toBeUndefined();
  });

  it('leaves what it cannot single out, and says so', () => {
    expect(
      inlineRecordedSeries('job:errors:ratio{job=~"a|b"} > 0', rules),
    ).toEqual({
      promql: 'job:errors:ratio{job=~"a|b"} > 0',
      unresolved: ['job:errors:ratio'],
    });
  });
});

describe('selectorsOf', () => {
  it('counts a selector with an `or` fallback as optional', () => {
    expect(
      selectorsOf('(sum(rate(a{x="1"}[5m])) or vector(0)) / sum(rate(b[5m]))'),
    ).toEqual({
      required: ['b'],
      optional: ['a{x="1"}'],
    });
  });
});

describe('planBacktest', () => {
  const { artifacts } = describeEntity(checkout, DEFAULT_GENERATOR_CONFIG);
  const plan = planBacktest(artifacts, { days: 7, nowSeconds: 1_800_000_030 });

  it('plans one valid raw-metric query per generated alert on a grid ending at now', () => {
    expect(plan.end).toBe(1_800_000_000);
    expect(plan.start).toBe(plan.end - 7 * 86_400);
    expect(plan.alerts.map(a => a.key)).toEqual(
      artifacts.alerts.map(a => a.key),
    );
    for (const alert of plan.alerts.filter(a => !a.unsupported)) {
      expect(findPromqlSyntaxError(alert.query)).toBeUndefined();
      // Recorded series (names with a colon) exist only once applied.
      expect(selectorsOf(alert.query).required.join()).not.toContain(':');
      expect(alert.unresolved).toEqual([]);
    }
    expect(plan.alerts.find(a => a.key === 'HighErrorRate')).toMatchObject({
      forSeconds: 300,
    });
    // The log-based fallback runs in Loki: planned as unsupported, never sent to Prometheus.
    const logAlerts = plan.alerts.filter(a => a.unsupported);
    expect(logAlerts.length).toBeGreaterThan(0);
    for (const alert of logAlerts) expect(alert.required).toEqual([]);
    expect(plan.selectors.join()).not.toContain('app=');
  });

  it('asks for presence and for ALERTS in single, valid queries scoped to the entity', () => {
    expect(findPromqlSyntaxError(plan.presenceQuery)).toBeUndefined();
    expect(findPromqlSyntaxError(plan.alertsQuery)).toBeUndefined();
    expect(plan.alertsQuery).toContain('alertstate="firing"');
    expect(plan.alertsQuery).toContain('service="checkout"');
    expect(plan.alertsQuery).toContain('HighErrorRate');
  });
});
