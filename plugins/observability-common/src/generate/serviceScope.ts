/**
 * What tells one entity's generated artifacts apart from another's. Catalog
 * namespaces may each hold a service of the same name (`ns1/dup`,
 * `ns2/dup`); their rule groups, PrometheusRule, dashboard uid, CLI folder
 * and recorded series must not collide, so every generator names things
 * through the functions here and nowhere else.
 *
 * The `default` namespace adds nothing: entities there keep the names and
 * series they had before namespaces counted, so an existing installation's
 * files, dashboard bookmarks and recorded history keep their identity.
 */
import type { ObservabilitySpec } from '../spec/types';
import { sanitizeText } from './escape';

/**
 * Label carrying the catalog namespace on recorded series and alerts of
 * entities outside `default`. Redline's own name rather than `namespace`:
 * scrape configs already put the Kubernetes namespace there, which is not
 * the catalog's.
 * @public
 */
export const NAMESPACE_LABEL = 'redline_namespace';

/**
 * The service name rules record and alerts carry: the sanitised service
 * name, else the entity name, else `unknown`.
 * @public
 */
export function ruleServiceName(spec: ObservabilitySpec): string {
  return (
    sanitizeText(spec.serviceName?.value ?? '').trim() ||
    sanitizeText(spec.name ?? '').trim() ||
    'unknown'
  );
}

/**
 * The entity's catalog namespace when it is not `default`, lower-cased as
 * Backstage compares namespaces; `undefined` in the default namespace.
 */
function scopeNamespace(spec: ObservabilitySpec): string | undefined {
  const namespace = sanitizeText(spec.namespace ?? '')
    .trim()
    .toLocaleLowerCase('en-US');
  return namespace && namespace !== 'default' ? namespace : undefined;
}

/**
 * The name generated artifacts are named after: `<service>` in the default
 * namespace, `<namespace>/<service>` elsewhere. The `/` keeps namespace and
 * service apart (`a-b` + `c` vs `a` + `b-c`); names that cannot hold it
 * (Kubernetes, Grafana uids) replace it and append a hash of this text.
 * @public
 */
export function scopedServiceName(spec: ObservabilitySpec): string {
  const service = ruleServiceName(spec);
  const namespace = scopeNamespace(spec);
  return namespace ? `${namespace}/${service}` : service;
}

/**
 * The labels every recorded series and alert of the entity carries (besides
 * `slo` and the alert's own): the service label and, outside `default`, the
 * namespace. Queries select the entity's series with exactly these.
 * @public
 */
export function recordedSeriesLabels(
  spec: ObservabilitySpec,
): Record<string, string> {
  const labels: Record<string, string> = {
    [spec.metrics.serviceLabel]: ruleServiceName(spec),
  };
  const namespace = scopeNamespace(spec);
  if (namespace) labels[NAMESPACE_LABEL] = namespace;
  return labels;
}
