/**
 * A latency SLO whose threshold is not a histogram bucket: every artifact
 * (findings, rules, alerts, dashboard, runbook) must name the same bucket, or
 * agree that nothing was generated, and the dashboard must query only series
 * the rules record. The rule files under the real promtool are in
 * ./sloRules.promtool.test.ts.
 */
import { findAll, metricName, parsePromql, textOf } from '../lint/promqlTree';
import { leMatcher } from './redRecordingRules';
import { downloadedFile } from './__promtool__/downloadedFile';
import {
  CASES,
  describeCase,
  type Case,
} from './__testUtils__/latencySloCases';
import type { GeneratedArtifacts, RecordingRule } from './types';

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
