/**
 * A latency SLO whose threshold is not a histogram bucket: every artifact
 * (findings, rules, alerts, dashboard, runbook) must name the same bucket, or
 * agree that nothing was generated, and the dashboard must query only series
 * the rules record. Proven with the real promtool where it matters: the rule
 * files load, and a Prometheus 2 `le="0.30"` bucket is counted.
 */
import type { Entity } from '@backstage/catalog-model';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { describeEntity } from '../describe/describeEntity';
import { findAll, metricName, parsePromql, textOf } from '../lint/promqlTree';
import { ANNOTATIONS } from '../spec/annotations';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { leMatcher } from './redRecordingRules';
import { downloadedFile } from './__promtool__/downloadedFile';
import {
  checkRules,
  testRules,
  type RuleTestGroup,
} from './__promtool__/runPromtool';
import { counter, expectedAlert } from './__promtool__/ruleTestKit';
import type { GeneratedArtifacts, RecordingRule } from './types';

/** Default buckets: 0.01, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5. */
const config = DEFAULT_GENERATOR_CONFIG;

function entity(latencySlo: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: {
        [ANNOTATIONS.sloAvailability]: '99.9',
        [ANNOTATIONS.sloLatency]: latencySlo,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  };
}

interface Case {
  name: string;
  slo: string;
  /** Live `le` values; absent: the configured buckets apply. */
  observed?: string[];
  /** The bucket the SLO must be measured at; absent: nothing is generated. */
  le?: number;
  finding?:
    | 'slo.latency-threshold-not-a-bucket'
    | 'slo.latency-threshold-below-buckets';
}

const CASES: Case[] = [
  {
    name: 'below the lowest bucket',
    slo: '99% < 5ms',
    finding: 'slo.latency-threshold-below-buckets',
  },
  {
    name: 'between two buckets',
    slo: '99% < 400ms',
    le: 0.3,
    finding: 'slo.latency-threshold-not-a-bucket',
  },
  { name: 'exactly on a bucket', slo: '99% < 300ms', le: 0.3 },
  { name: 'on a bucket, spelled 0.30s', slo: '99% < 0.30s', le: 0.3 },
  {
    name: 'live buckets replace the configured ones',
    slo: '99% < 250ms',
    observed: ['0.1', '0.30', '0.5', '+Inf'],
    le: 0.1,
    finding: 'slo.latency-threshold-not-a-bucket',
  },
  {
    name: 'a live bucket spelled 0.30',
    slo: '99% < 300ms',
    observed: ['0.1', '0.30', '+Inf'],
    le: 0.3,
  },
  {
    name: 'live buckets all above the threshold',
    slo: '99% < 50ms',
    observed: ['0.1', '1', '+Inf'],
    finding: 'slo.latency-threshold-below-buckets',
  },
];

function describeCase(c: Case) {
  return describeEntity(entity(c.slo), config, { observedBuckets: c.observed });
}

type Panel = { title?: string; targets?: Array<{ expr: string }> };

function dashboardPanels(artifacts: GeneratedArtifacts): Panel[] {
  return JSON.parse(downloadedFile(artifacts, 'grafana-dashboard')).panels;
}

function recordings(artifacts: GeneratedArtifacts): RecordingRule[] {
  return artifacts.rules.groups.flatMap(g =>
    g.rules.filter((r): r is RecordingRule => 'record' in r),
  );
}

/** Recorded series (names with a colon) a PromQL expression selects, with their equality matchers. */
function recordedSelectors(
  expr: string,
): Array<{ name: string; labels: Record<string, string> }> {
  const parsed = parsePromql(expr);
  return findAll(parsed, new Set(['VectorSelector']))
    .map(node => ({
      name: metricName(parsed, node) ?? '',
      labels: Object.fromEntries(
        [...textOf(parsed, node).matchAll(/(\w+)="([^"]*)"/g)].map(m => [
          m[1],
          m[2],
        ]),
      ),
    }))
    .filter(s => s.name.includes(':'));
}

/** The first `le="…"` in a text. */
const leIn = (text?: string) => text?.match(/le="[^"]*"/)?.[0];

/** What each artifact says about the bucket the latency SLO is measured at. */
function bucketAsEachArtifactSays(artifacts: GeneratedArtifacts) {
  const latency = artifacts.alerts.filter(a => a.labels.slo === 'latency');
  const burns = latency.filter(a => a.name === 'SLOErrorBudgetBurn');
  const absent = latency.find(a => a.name === 'SLOMetricAbsent');
  const sli = recordings(artifacts).find(
    r =>
      r.labels?.slo === 'latency' && r.record === 'slo:sli_error:ratio_rate5m',
  );
  const panel = dashboardPanels(artifacts).find(p =>
    p.title?.startsWith('Error budget remaining — latency'),
  );
  const runbook = artifacts.runbooks.find(
    r => r.alert === 'SLOErrorBudgetBurn',
  );
  const once = <T>(values: T[]) => [...new Set(values)];
  return {
    sliSelector: sli?.expr.match(/le=~"[^"]*"/)?.[0],
    burnSlowerThan: once(
      burns.map(
        b => b.annotations.description?.match(/slower than (\S+) s/)?.[1],
      ),
    ),
    burnLe: once(burns.map(b => leIn(b.annotations.description))),
    absentLe: leIn(absent?.annotations.description),
    panelLe: leIn(panel?.title),
    panelNamesDeclared: panel?.title?.includes('declared'),
    runbookLe: leIn(runbook?.markdown),
  };
}

function expectedBucket(c: Case): ReturnType<typeof bucketAsEachArtifactSays> {
  const offBucket = c.finding === 'slo.latency-threshold-not-a-bucket';
  if (c.le === undefined)
    return {
      sliSelector: undefined,
      burnSlowerThan: [],
      burnLe: [],
      absentLe: undefined,
      panelLe: undefined,
      panelNamesDeclared: undefined,
      runbookLe: undefined,
    };
  const le = `le="${c.le}"`;
  return {
    sliSelector: leMatcher(c.le),
    burnSlowerThan: [String(c.le)],
    burnLe: [offBucket ? le : undefined],
    absentLe: le,
    panelLe: le,
    panelNamesDeclared: offBucket,
    runbookLe: le,
  };
}

describe.each(CASES)('latency SLO "$slo" ($name)', c => {
  const { findings, artifacts } = describeCase(c);

  it('reports one finding that names the bucket, or none when the threshold is a bucket', () => {
    const about = findings
      .filter(f => f.id.startsWith('slo.latency-threshold'))
      .map(f => ({ id: f.id, value: f.value, le: leIn(f.message) }));
    const le =
      c.finding === 'slo.latency-threshold-not-a-bucket'
        ? `le="${c.le}"`
        : undefined;
    expect(about).toEqual(
      c.finding ? [{ id: c.finding, value: c.slo, le }] : [],
    );
  });

  it('has rules, alerts, dashboard and runbook agree on the bucket, or all leave the SLO out', () => {
    expect(bucketAsEachArtifactSays(artifacts)).toEqual(expectedBucket(c));
  });

  it('queries on the dashboard only recorded series the rules define', () => {
    const defined = recordings(artifacts);
    const queried = dashboardPanels(artifacts)
      .flatMap(p => p.targets ?? [])
      .flatMap(t => recordedSelectors(t.expr));
    expect(queried.map(q => q.labels.slo)).toContain('availability');
    const undefinedSeries = queried.filter(
      q =>
        !defined.some(
          r =>
            r.record === q.name &&
            Object.entries(q.labels).every(([k, v]) => r.labels?.[k] === v),
        ),
    );
    expect(undefinedSeries).toEqual([]);
  });
});

describeWithBinary('promtool')(
  'off-bucket latency SLOs under promtool',
  promtool => {
    jest.setTimeout(240_000);

    it('pass `promtool check rules` in every case', () => {
      const files = Object.fromEntries(
        CASES.map((c, i) => [
          `case-${i}.yaml`,
          downloadedFile(describeCase(c).artifacts, 'prometheus-rules'),
        ]),
      );
      const result = checkRules(promtool, files);
      expect(result.ok ? '' : result.output).toBe('');
    });

    it('counts a Prometheus 2 le="0.30" bucket, and requests between it and the declared 400ms as slow', () => {
      const { artifacts } = describeEntity(entity('99% < 400ms'), config, {
        observedBuckets: ['0.1', '0.30', '0.5', '+Inf'],
      });
      const yaml = downloadedFile(artifacts, 'prometheus-rules');
      const burn = (tier: string) => {
        const found = artifacts.alerts.find(
          a => a.key === `SLOErrorBudgetBurn:latency:${tier}`,
        );
        if (!found) throw new Error(`no ${tier} latency burn alert`);
        return found;
      };
      const h = 'http_request_duration_seconds';
      const svc = 'service="checkout"';
      const sloLabels = { service: 'checkout', slo: 'latency' };
      // Three days and an hour of history fill every burn window. Until T each
      // request takes 200ms; from T each takes 350ms: within the declared
      // 400ms, but above the 0.3 bucket the SLO is measured at.
      const T = 3 * 24 * 60 + 60;
      const fastUntilT = counter([60, T], [0, 60]);
      const always = counter([60, T + 60]);
      const windows: Record<string, number> = {
        fast: 60,
        medium: 360,
        slow: 1440,
        long: 4320,
      };
      const fired = (k: number, ...tiers: string[]) => ({
        eval_time: `${T + k}m`,
        alertname: 'SLOErrorBudgetBurn',
        exp_alerts: tiers.map(tier =>
          expectedAlert(burn(tier), k / windows[tier], sloLabels),
        ),
      });
      const sli = (minute: number, value: number) => ({
        expr: 'slo:sli_error:ratio_rate5m{slo="latency"}',
        eval_time: `${minute}m`,
        exp_samples: [
          {
            labels: `slo:sli_error:ratio_rate5m{service="checkout",slo="latency"}`,
            value,
          },
        ],
      });
      const test: RuleTestGroup = {
        interval: '1m',
        input_series: [
          {
            series: `${h}_bucket{${svc},le="0.1"}`,
            values: counter([0, T + 60]),
          },
          { series: `${h}_bucket{${svc},le="0.30"}`, values: fastUntilT },
          { series: `${h}_bucket{${svc},le="0.5"}`, values: always },
          { series: `${h}_bucket{${svc},le="+Inf"}`, values: always },
          { series: `${h}_count{${svc}}`, values: always },
          {
            series: `http_requests_total{${svc},status="200"}`,
            values: always,
          },
        ],
        // A bucket the selector missed would leave the ratio absent, not 0.
        promql_expr_test: [sli(T, 0), sli(T + 5, 1)],
        // With a 1 % budget the fast tier needs 14.4 % slow requests over 1h
        // (from T+9m), the slow and long tiers 3 % over 1d and 1 % over 3d
        // (from T+44m); one minute earlier each is still quiet.
        alert_rule_test: [
          fired(8),
          fired(9, 'fast'),
          fired(43, 'fast', 'medium'),
          fired(44, 'fast', 'medium', 'slow', 'long'),
        ],
      };
      const result = testRules(promtool, yaml, [test]);
      expect(result.ok ? '' : result.output).toBe('');
    });
  },
);
