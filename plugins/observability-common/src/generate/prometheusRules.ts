/**
 * One Prometheus rule file per service: RED recording rules, the seed's
 * three symptom alerts (error rate, P99 latency, traffic drop) and, per
 * declared SLO, Sloth-style recording rules with multi-window burn-rate
 * alerts. Pure: findings instead of exceptions.
 */
import type { GeneratorConfig } from '../spec/config';
import { DEFAULT_TRAFFIC_DROP_MIN_RATE } from '../spec/parseSpec';
import type { Finding, ObservabilitySpec, Sourced } from '../spec/types';
import { formatNumber } from './escape';
import { redRecordNames, redRecordingRules } from './redRecordingRules';
import {
  VALUE_AS_DURATION,
  VALUE_AS_PERCENTAGE,
  buildAlert,
  select,
  tmpl,
  type RuleContext,
} from './ruleContext';
import { ruleContextFor } from './ruleContextCache';
import { sloRules } from './sloRules';
import type { AlertingRule, GeneratedAlert, PrometheusRuleFile } from './types';

/** Result of {@link generatePrometheusRules}. @public */
export interface GeneratedPrometheusRules {
  rules: PrometheusRuleFile;
  alerts: GeneratedAlert[];
  findings: Finding[];
}

/** Seed defaults, used when a threshold is out of range. */
const SEED = { errorRatePercent: 1, latencyP99Ms: 500, rateDropPercent: 50 };

/** A threshold inside `(min, max)`, else the seed default plus a finding. */
function threshold(
  value: Sourced<number> | undefined,
  key: keyof typeof SEED,
  max: number,
  findings: Finding[],
): number {
  const v = value?.value;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v < max) return v;
  findings.push({
    id: 'generate.threshold-invalid',
    severity: 'error',
    message: `The ${key} threshold is out of range; the seed default ${SEED[key]} is used.`,
    annotation: value?.annotation,
    value: String(v),
    expected: `a number greater than 0 and less than ${max}`,
  });
  return SEED[key];
}

/** How long traffic must stay low before TrafficDrop fires; the docs quote it. @public */
export const TRAFFIC_DROP_FOR = '10m';

/** The minimum baseline (requests/s) TrafficDrop compares against, else the default plus a finding. */
function trafficDropMinRate(
  value: Sourced<number> | undefined,
  findings: Finding[],
): number {
  const v = value?.value;
  if (v === undefined) return DEFAULT_TRAFFIC_DROP_MIN_RATE;
  if (Number.isFinite(v) && v > 0) return v;
  findings.push({
    id: 'generate.threshold-invalid',
    severity: 'error',
    message: `The traffic-drop minimum rate is out of range; the default ${DEFAULT_TRAFFIC_DROP_MIN_RATE} requests/s is used.`,
    annotation: value?.annotation,
    value: String(v),
    expected: 'a number of requests per second greater than 0',
  });
  return DEFAULT_TRAFFIC_DROP_MIN_RATE;
}

function staticAlerts(
  ctx: RuleContext,
  covered: { availability: boolean; latency: boolean },
  findings: Finding[],
): Array<{ rule: AlertingRule; alert: GeneratedAlert }> {
  const t = ctx.spec.thresholds;
  const errorPct = threshold(
    t?.errorRatePercent,
    'errorRatePercent',
    100,
    findings,
  );
  const latencyMs = threshold(
    t?.latencyP99Ms,
    'latencyP99Ms',
    3_600_000,
    findings,
  );
  const dropPct = threshold(
    t?.rateDropPercent,
    'rateDropPercent',
    100,
    findings,
  );
  const names = redRecordNames(ctx.metrics);
  const svc = ctx.service;
  const total = select(ctx, ctx.metrics.requestsTotal);
  const keep = formatNumber((100 - dropPct) / 100);
  const minRate = trafficDropMinRate(t?.trafficDropMinRate, findings);

  // When an SLO covers the same symptom, its burn-rate alerts page and the
  // static threshold only opens a ticket: one symptom, one page. Without an
  // SLO the static alert is all there is, so it pages.
  const errorSeverity = covered.availability ? 'warning' : 'critical';
  const latencySeverity = covered.latency ? 'warning' : 'critical';

  return [
    buildAlert(ctx, {
      name: 'HighErrorRate',
      key: 'HighErrorRate',
      severity: errorSeverity,
      for: '5m',
      expr: `${names.errorRatio5m}{${ctx.recordedMatcher}} > ${formatNumber(
        errorPct / 100,
      )}`,
      summary: tmpl`High error rate on ${svc}`,
      description: tmpl`${svc} answered ${VALUE_AS_PERCENTAGE} of its requests with a 5xx over the last 5 minutes, above the ${formatNumber(
        errorPct,
      )} % threshold for 5 minutes.`,
    }),
    buildAlert(ctx, {
      name: 'HighLatencyP99',
      key: 'HighLatencyP99',
      severity: latencySeverity,
      for: '5m',
      expr: `${names.p99}{${ctx.recordedMatcher}} > ${formatNumber(
        latencyMs / 1000,
      )}`,
      summary: tmpl`High P99 latency on ${svc}`,
      description: tmpl`The P99 latency of ${svc} over the last 5 minutes is ${VALUE_AS_DURATION}, above the ${formatNumber(
        latencyMs,
      )} ms threshold for 5 minutes.`,
    }),
    buildAlert(ctx, {
      name: 'TrafficDrop',
      key: 'TrafficDrop',
      // A drop is often upstream (a client, a load balancer, a holiday): worth
      // a look, rarely worth waking someone when errors and latency are fine.
      severity: 'warning',
      // Longer than the ratio alerts: a comparison with earlier weeks is noisier.
      for: TRAFFIC_DROP_FOR,
      // Current rate as a share of the usual rate at this time (see
      // `rateBaseline5m`). Missing series count as zero traffic now. Below
      // the minimum baseline a 5m window holds too few requests to tell a
      // drop from chance, so quiet services and hours stay silent (and the
      // division never sees a zero).
      expr: `(sum(rate(${total}[5m])) or vector(0))\n/ on ()\n(${
        names.rateBaseline5m
      }{${ctx.recordedMatcher}} > ${formatNumber(minRate)})\n< ${keep}`,
      summary: tmpl`Traffic to ${svc} dropped by more than ${formatNumber(
        dropPct,
      )} %`,
      description: tmpl`${svc} receives ${VALUE_AS_PERCENTAGE} of its usual requests at this time, the median of the same 5 minutes over the past three weeks (alert below ${formatNumber(
        100 - dropPct,
      )} % for ${TRAFFIC_DROP_FOR}, when that baseline exceeds ${formatNumber(
        minRate,
      )} requests/s).`,
    }),
  ];
}

/**
 * Generates the rule file for one service and a summary of every alert in it.
 * Never throws: invalid metadata becomes findings and safe defaults.
 * @public
 */
export function generatePrometheusRules(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): GeneratedPrometheusRules {
  // The context the dashboard, Alertmanager and Loki generators use for the
  // same spec, so its memoised links are worked out once per entity.
  const ctx = ruleContextFor(spec, config);
  const findings = [...ctx.findings];
  const slo = sloRules(ctx);
  const red = staticAlerts(ctx, slo.covered, findings);
  findings.push(...slo.findings);
  const rules: PrometheusRuleFile = {
    groups: [
      {
        name: `redline:${ctx.scopedName}:red`,
        rules: [...redRecordingRules(ctx), ...red.map(r => r.rule)],
      },
      ...slo.groups,
    ],
  };
  return { rules, alerts: [...red.map(r => r.alert), ...slo.alerts], findings };
}
