import type { Entity } from '@backstage/catalog-model';

/** A Component of team payments (by default) with the given annotations. */
export function component(
  name: string,
  annotations: Record<string, string> = {},
  owner = 'group:default/payments',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}

/** A small catalog covering the described, bare, degraded and flaky cases. */
export function testEntities(options: { runbookUrl: string }): Entity[] {
  return [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'payments', namespace: 'default' },
      spec: { type: 'team', children: [] },
    },
    component('checkout', {
      'redline.dev/slo-availability': '99.9',
      'redline.dev/slo-latency': '99% < 300ms',
      'redline.dev/error-rate-threshold': '2',
      'redline.dev/runbook-url': options.runbookUrl,
      'redline.dev/log-selector': '{app="checkout"}',
    }),
    // No observability metadata at all, and an owner that does not exist.
    component('legacy-billing', {}, 'group:default/ghost-team'),
    // Metrics unreachable, but a log stream to fall back on.
    component('degraded-logs', {
      'redline.dev/prometheus-instance': 'down',
      'redline.dev/alertmanager-instance': 'down',
      'redline.dev/log-selector': '{app="degraded-logs"}',
    }),
    // Metrics unreachable and nothing to fall back on.
    component('degraded-bare', { 'redline.dev/prometheus-instance': 'down' }),
    // A Prometheus that fails twice per request, then answers.
    component('flaky', { 'redline.dev/prometheus-instance': 'flaky' }),
    // A Prometheus that never answers in time.
    component('slow', { 'redline.dev/prometheus-instance': 'slow' }),
    // Runbook on a host Redline must not contact.
    component('elsewhere', {
      'redline.dev/runbook-url': 'https://wiki.example.org/runbooks/elsewhere',
    }),
  ];
}
