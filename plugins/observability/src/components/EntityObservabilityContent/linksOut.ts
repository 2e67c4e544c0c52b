import type {
  FiringAlert,
  ObservabilitySpec,
} from '@redline/backstage-plugin-observability-common';

/** A link out of the portal, to the tool that has the detail. */
export interface LinkOut {
  label: string;
  href: string;
}

/** Prometheus' graph page with `promql` filled in, over the last hour. */
export function prometheusGraphUrl(base: string, promql: string): string {
  const params = new URLSearchParams({
    'g0.expr': promql,
    'g0.tab': '0',
    'g0.range_input': '1h',
  });
  return `${base.replace(/\/+$/, '')}/graph?${params}`;
}

/**
 * Alertmanager's "new silence" form with the alert's labels as matchers:
 * a silence that covers exactly this alert, ready to be given a duration.
 */
export function silenceUrl(base: string, alert: FiringAlert): string {
  const matchers = Object.entries(alert.labels)
    .map(([name, value]) => `${name}="${value.replace(/["\\]/g, '\\$&')}"`)
    .join(',');
  return `${base.replace(
    /\/+$/,
    '',
  )}/#/silences/new?filter=${encodeURIComponent(`{${matchers}}`)}`;
}

/** Fills `{service}` in a link template; other placeholders become empty (no id to search for). */
function fillTemplate(template: string, service: string): string {
  return template
    .replace(/\{service\}/g, encodeURIComponent(service))
    .replace(/\{[a-z_]+\}/g, '');
}

/** The entity's dashboard, logs and traces, from its annotations. */
export function entityLinksOut(
  spec: Pick<ObservabilitySpec, 'serviceName' | 'links'>,
): LinkOut[] {
  const service = spec.serviceName.value;
  const { dashboardUrl, logQueryUrl, traceUrl } = spec.links;
  return [
    dashboardUrl && { label: 'Grafana dashboard', href: dashboardUrl },
    logQueryUrl && { label: 'Logs', href: fillTemplate(logQueryUrl, service) },
    traceUrl && { label: 'Traces', href: fillTemplate(traceUrl, service) },
  ].filter((link): link is LinkOut => Boolean(link));
}
