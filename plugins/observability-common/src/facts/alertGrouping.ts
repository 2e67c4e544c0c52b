import type { FiringAlert } from '../check/types';
import type { AlertmanagerApiAlert, PrometheusApiRule } from './apiTypes';

/** Labels that vary per replica/pod and would split one incident into many. */
const VOLATILE_LABELS = new Set([
  'instance',
  'pod',
  'pod_name',
  'container',
  'container_id',
  'node',
  'replica',
  'prometheus_replica',
  'endpoint',
  'job',
]);

/** An alert from either source, before grouping. @public */
export interface RawAlert {
  fingerprint?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: FiringAlert['state'];
  activeAt?: string;
}

const STATE_RANK: Record<FiringAlert['state'], number> = {
  firing: 0,
  pending: 1,
  suppressed: 2,
};

function stableLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels)
      .filter(([key]) => !VOLATILE_LABELS.has(key))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * The seed's ALERT_STORM → AGGREGATE_AND_DEDUPE: identical alerts (same
 * fingerprint, e.g. seen from two Prometheus replicas) collapse to one, then
 * alerts that differ only in per-instance labels fold into one row with a
 * count. The earliest start and the most urgent state win.
 * @public
 */
export function groupAlerts(raw: RawAlert[]): FiringAlert[] {
  const seen = new Set<string>();
  const groups = new Map<string, FiringAlert>();
  for (const alert of raw) {
    const labels = stableLabels(alert.labels ?? {});
    const dedupeKey = alert.fingerprint ?? JSON.stringify(alert.labels);
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);

    const key = JSON.stringify(labels);
    const existing = groups.get(key);
    if (!existing) {
      groups.set(key, {
        name: alert.labels?.alertname ?? 'unnamed',
        severity: alert.labels?.severity,
        state: alert.state,
        labels,
        annotations: alert.annotations ?? {},
        activeAt: alert.activeAt,
        count: 1,
      });
      continue;
    }
    existing.count++;
    if (STATE_RANK[alert.state] < STATE_RANK[existing.state])
      existing.state = alert.state;
    if (
      alert.activeAt &&
      (!existing.activeAt || alert.activeAt < existing.activeAt)
    ) {
      existing.activeAt = alert.activeAt;
    }
  }
  return [...groups.values()].sort(
    (a, b) =>
      STATE_RANK[a.state] - STATE_RANK[b.state] ||
      severityRank(a.severity) - severityRank(b.severity) ||
      a.name.localeCompare(b.name),
  );
}

function severityRank(severity?: string): number {
  const order = ['critical', 'page', 'error', 'warning', 'info'];
  const index = order.indexOf(severity ?? '');
  return index === -1 ? order.length : index;
}

/** Alertmanager's `active` means firing; `unprocessed` has not been routed yet. */
const ALERTMANAGER_STATES: Record<string, FiringAlert['state']> = {
  active: 'firing',
  suppressed: 'suppressed',
  unprocessed: 'pending',
};

/** Alertmanager v2 alerts → the grouping input. @public */
export function fromAlertmanager(alerts: AlertmanagerApiAlert[]): RawAlert[] {
  return alerts.map(alert => ({
    fingerprint: alert.fingerprint,
    labels: alert.labels ?? {},
    annotations: alert.annotations ?? {},
    state: ALERTMANAGER_STATES[alert.status?.state] ?? 'firing',
    activeAt: alert.startsAt,
  }));
}

/** Active alerts from Prometheus rules (used when no Alertmanager is configured). @public */
export function fromPrometheusRules(rules: PrometheusApiRule[]): RawAlert[] {
  return rules.flatMap(rule =>
    (rule.alerts ?? []).map(alert => ({
      labels: { alertname: rule.name, ...alert.labels },
      annotations: alert.annotations ?? {},
      state: alert.state as FiringAlert['state'],
      activeAt: alert.activeAt,
    })),
  );
}
