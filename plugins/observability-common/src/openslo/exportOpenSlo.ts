/**
 * An entity's SLOs as OpenSLO v1 documents: a Service, and per SLO an SLI
 * (`ratioMetric` over the Prometheus counters the generated rules read), the
 * SLO, and one AlertPolicy with its AlertCondition per burn-rate alert
 * Redline generates. Importing the result gives back the same SLOs, so the
 * rules generated from either are the same.
 */
import { stringify } from 'yaml';
import { burnFactor, BURN_TIERS, EXHAUSTED_FOR } from '../generate/sloRules';
import { sloRatios } from '../generate/sloRatios';
import { scopedServiceName } from '../generate/serviceScope';
import { formatNumber } from '../generate/escape';
import { latencySloBucket } from '../spec/latencyBucket';
import type {
  Finding,
  ObservabilitySpec,
  SloSpec,
  SloWindow,
} from '../spec/types';
import {
  OPENSLO_API_VERSION,
  type OpenSloDocument,
  type OpenSloOf,
} from './schema';
import {
  availabilityQueries,
  latencyQueries,
  type RatioQueries,
} from './sliQueries';

/** SLI annotation carrying a latency SLO's declared threshold, which may lie above the bucket its query reads. @public */
export const LATENCY_THRESHOLD_ANNOTATION =
  'redline.dev/latency-threshold-seconds';
/** AlertCondition annotation naming the short window a multi-window burn alert also checks. @public */
export const SHORT_WINDOW_ANNOTATION = 'redline.dev/short-window';
/** The notification target every exported policy names: Redline routes through Alertmanager by team. @public */
export const ALERTMANAGER_TARGET = 'alertmanager';

/** Calendar windows start at a UTC boundary; 2024-01-01 was a Monday, so it starts both. */
const CALENDAR_START = '2024-01-01 00:00:00';

/** The documents and what could not be exported. @public */
export interface OpenSloExport {
  documents: OpenSloDocument[];
  findings: Finding[];
}

/** An OpenSLO object name (RFC 1123 label) from a service name. */
export function openSloName(value: string): string {
  const name = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name || 'service';
}

function timeWindow(window: SloWindow) {
  if (window.type === 'rolling')
    return [{ duration: `${window.days}d`, isRolling: true }];
  return [
    {
      duration: window.period === 'month' ? '1M' : '1w',
      isRolling: false,
      calendar: { startTime: CALENDAR_START, timeZone: 'UTC' },
    },
  ];
}

function ratioMetric(queries: RatioQueries) {
  const source = (query: string) => ({
    metricSource: { type: 'Prometheus', spec: { query } },
  });
  return {
    counter: true,
    ...(queries.good !== undefined ? { good: source(queries.good) } : {}),
    ...(queries.bad !== undefined ? { bad: source(queries.bad) } : {}),
    total: source(queries.total),
  };
}

/** The SLI document of one SLO, or a finding when it has no bucket to measure at. */
function sliDocument(
  spec: ObservabilitySpec,
  slo: SloSpec,
  name: string,
): OpenSloOf<'SLI'> | Finding {
  if (slo.slo === 'availability') {
    return {
      apiVersion: OPENSLO_API_VERSION,
      kind: 'SLI',
      metadata: { name, displayName: `${spec.serviceName.value} availability` },
      spec: {
        description: 'Share of requests not answered with a 5xx status.',
        ratioMetric: ratioMetric(
          availabilityQueries(spec.metrics, spec.selector.value),
        ),
      },
    };
  }
  const threshold = slo.thresholdSeconds ?? 0;
  const bucket = latencySloBucket(threshold, spec.metrics.histogramBuckets);
  if (!bucket) {
    return {
      id: 'openslo.export-skipped',
      severity: 'warning',
      annotation: slo.annotation,
      message: `The latency SLO (${formatNumber(
        threshold,
      )} s) has no histogram bucket at or below its threshold, so it was not exported: no query could measure it.`,
    };
  }
  return {
    apiVersion: OPENSLO_API_VERSION,
    kind: 'SLI',
    metadata: {
      name,
      displayName: `${spec.serviceName.value} latency`,
      annotations: { [LATENCY_THRESHOLD_ANNOTATION]: formatNumber(threshold) },
    },
    spec: {
      description: `Share of requests answered within ${formatNumber(
        bucket.le,
      )} s (the histogram bucket at or below the ${formatNumber(
        threshold,
      )} s threshold).`,
      ratioMetric: ratioMetric(
        latencyQueries(spec.metrics, spec.selector.value, bucket.le),
      ),
    },
  };
}

/** One burn-rate alert as a condition: what Redline generates for this SLO, tier by tier. */
export interface BurnCondition {
  key: string;
  severity: string;
  op: 'gt' | 'gte';
  threshold: number;
  lookbackWindow: string;
  alertAfter: string;
  shortWindow?: string;
}

/**
 * The burn-rate alerts Redline generates for an objective and window, as
 * OpenSLO conditions: the multi-window tiers it keeps (a tier whose
 * threshold reaches 100 % errors is left out, as the rules leave it out),
 * then the exhausted budget (a burn of at least 1 over the whole window).
 * @public
 */
export function burnConditions(
  objectivePercent: number,
  windowDays: number,
): BurnCondition[] {
  const { budget } = sloRatios(objectivePercent);
  const tiers: BurnCondition[] = BURN_TIERS.flatMap(tier => {
    const factor = burnFactor(tier, windowDays);
    if (factor * budget >= 1) return [];
    return [
      {
        key: `${tier.burnWindow}-burn`,
        severity: tier.severity,
        op: 'gt' as const,
        threshold: factor,
        lookbackWindow: tier.longWindow,
        alertAfter: '0m',
        shortWindow: tier.shortWindow,
      },
    ];
  });
  return [
    ...tiers,
    {
      key: 'budget-exhausted',
      severity: 'warning',
      op: 'gte',
      threshold: 1,
      lookbackWindow: `${windowDays}d`,
      alertAfter: EXHAUSTED_FOR,
    },
  ];
}

function alertDocuments(
  slo: SloSpec,
  sloName: string,
  targetName: string,
): Array<OpenSloOf<'AlertCondition'> | OpenSloOf<'AlertPolicy'>> {
  return burnConditions(slo.objectivePercent, slo.windowDays).flatMap(c => {
    const name = `${sloName}-${c.key}`;
    const condition: OpenSloOf<'AlertCondition'> = {
      apiVersion: OPENSLO_API_VERSION,
      kind: 'AlertCondition',
      metadata: {
        name,
        ...(c.shortWindow
          ? { annotations: { [SHORT_WINDOW_ANNOTATION]: c.shortWindow } }
          : {}),
      },
      spec: {
        description: c.shortWindow
          ? `Burn rate above ${formatNumber(c.threshold)} over ${
              c.lookbackWindow
            } and over ${c.shortWindow}.`
          : `The whole error budget of the window is spent.`,
        severity: c.severity,
        condition: {
          kind: 'burnrate',
          op: c.op,
          threshold: c.threshold,
          lookbackWindow: c.lookbackWindow,
          alertAfter: c.alertAfter,
        },
      },
    };
    const policy: OpenSloOf<'AlertPolicy'> = {
      apiVersion: OPENSLO_API_VERSION,
      kind: 'AlertPolicy',
      metadata: { name },
      spec: {
        alertWhenBreaching: true,
        alertWhenResolved: true,
        alertWhenNoData: true,
        conditions: [{ conditionRef: name }],
        notificationTargets: [{ targetRef: targetName }],
      },
    };
    return [condition, policy];
  });
}

/**
 * The entity's SLOs as OpenSLO v1 documents. Never throws; an SLO that
 * cannot be expressed is left out with a finding.
 * @public
 */
export function exportOpenSlo(spec: ObservabilitySpec): OpenSloExport {
  const findings: Finding[] = [];
  const service = openSloName(scopedServiceName(spec));
  const targetName = `${service}-${ALERTMANAGER_TARGET}`;
  const documents: OpenSloDocument[] = [
    {
      apiVersion: OPENSLO_API_VERSION,
      kind: 'Service',
      metadata: {
        name: service,
        displayName: spec.title ?? spec.serviceName.value,
        annotations: { 'redline.dev/entity-ref': spec.entityRef },
      },
      spec: {
        description: `SLOs of ${spec.entityRef}, owned by ${spec.team}.`,
      },
    },
    {
      apiVersion: OPENSLO_API_VERSION,
      kind: 'AlertNotificationTarget',
      metadata: { name: targetName },
      spec: {
        target: ALERTMANAGER_TARGET,
        description: `Alertmanager, routed by team="${spec.team}" and severity.`,
      },
    },
  ];
  for (const slo of spec.slos) {
    const name = `${service}-${slo.slo}`;
    const sli = sliDocument(spec, slo, name);
    if ('id' in sli) {
      findings.push(sli);
      continue;
    }
    const alerts = alertDocuments(slo, name, targetName);
    documents.push(sli, ...alerts, {
      apiVersion: OPENSLO_API_VERSION,
      kind: 'SLO',
      metadata: { name, displayName: `${spec.serviceName.value} ${slo.slo}` },
      spec: {
        service,
        indicatorRef: name,
        timeWindow: timeWindow(slo.window),
        budgetingMethod: 'Occurrences',
        objectives: [
          {
            displayName: slo.slo,
            target: sloRatios(slo.objectivePercent).objective,
          },
        ],
        alertPolicies: alerts
          .filter(a => a.kind === 'AlertPolicy')
          .map(a => ({ alertPolicyRef: a.metadata.name })),
      },
    });
  }
  return { documents, findings };
}

/**
 * The documents as one YAML stream, ready for `redline.dev/openslo` or any
 * OpenSLO tool.
 * @public
 */
export function renderOpenSloYaml(
  documents: readonly OpenSloDocument[],
): string {
  return documents.map(d => stringify(d, { lineWidth: 0 })).join('---\n');
}
