/**
 * The same rules as a prometheus-operator `PrometheusRule` resource, for
 * clusters where the operator loads rules from Kubernetes objects.
 */
import { stringify } from 'yaml';
import type { ObservabilitySpec } from '../spec/types';
import { kubernetesLabelValue, kubernetesName, sanitizeText } from './escape';
import { ruleGroupsForYaml, YAML_OPTIONS } from './ruleFileYaml';
import type { PrometheusRuleFile } from './types';

/** The service name rules use (sanitised; the entity name when empty). */
function serviceOf(spec: ObservabilitySpec): string {
  return sanitizeText(spec.serviceName?.value ?? '').trim() || sanitizeText(spec.name ?? '').trim() || 'unknown';
}

/** Object name of the resource: `redline-<service>` as a valid Kubernetes name. @public */
export function prometheusRuleName(spec: ObservabilitySpec): string {
  return kubernetesName(`redline-${serviceOf(spec)}`);
}

/**
 * The `PrometheusRule` object. Labels are sanitised to Kubernetes' label
 * syntax; the exact catalog values travel in annotations, where any text is
 * allowed. No namespace is set: the applier (kubectl, Argo CD, Flux) decides.
 * @public
 */
export function prometheusRuleObject(
  spec: ObservabilitySpec,
  rules: PrometheusRuleFile,
): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: prometheusRuleName(spec),
      labels: {
        'app.kubernetes.io/managed-by': 'redline',
        'app.kubernetes.io/name': kubernetesLabelValue(serviceOf(spec)),
        'redline.dev/team': kubernetesLabelValue(sanitizeText(spec.team ?? '') || 'unowned'),
      },
      annotations: {
        'redline.dev/entity-ref': sanitizeText(spec.entityRef ?? ''),
        'redline.dev/service-name': serviceOf(spec),
      },
    },
    spec: { groups: ruleGroupsForYaml(rules.groups) },
  };
}

/** The `PrometheusRule` resource as YAML. @public */
export function renderPrometheusRuleCrd(
  spec: ObservabilitySpec,
  rules: PrometheusRuleFile,
): string {
  return stringify(prometheusRuleObject(spec, rules), YAML_OPTIONS);
}
