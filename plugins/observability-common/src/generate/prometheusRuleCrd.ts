/**
 * The same rules as a prometheus-operator `PrometheusRule` resource, for
 * clusters where the operator loads rules from Kubernetes objects.
 */
import type { ObservabilitySpec } from '../spec/types';
import { kubernetesLabelValue, kubernetesName, sanitizeText } from './escape';
import { renderRuleFileYaml, ruleGroupsForYaml } from './ruleFileYaml';
import { ruleServiceName, scopedServiceName } from './serviceScope';
import type { PrometheusRuleFile } from './types';
import { toYaml } from './yamlWriter';

/**
 * Object name of the resource: `redline-<scopedServiceName>` as a valid
 * Kubernetes name (outside `default`, the namespace's `/` makes it hashed).
 * @public
 */
export function prometheusRuleName(spec: ObservabilitySpec): string {
  return kubernetesName(`redline-${scopedServiceName(spec)}`);
}

/** `apiVersion`, `kind` and `metadata` of the resource. */
function header(spec: ObservabilitySpec) {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: prometheusRuleName(spec),
      labels: {
        'app.kubernetes.io/managed-by': 'redline',
        'app.kubernetes.io/name': kubernetesLabelValue(ruleServiceName(spec)),
        'redline.dev/team': kubernetesLabelValue(
          sanitizeText(spec.team ?? '') || 'unowned',
        ),
      },
      annotations: {
        'redline.dev/entity-ref': sanitizeText(spec.entityRef ?? ''),
        'redline.dev/service-name': ruleServiceName(spec),
      },
    },
  };
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
  return { ...header(spec), spec: { groups: ruleGroupsForYaml(rules.groups) } };
}

/**
 * The `PrometheusRule` resource as users download it. Its `spec` is the rule
 * file's own YAML indented under `spec:`, so the resource carries exactly the
 * rules promtool checked; pass the already rendered rule file (from
 * {@link renderRuleFileYaml}) to skip printing the groups a second time.
 * @public
 */
export function renderPrometheusRuleCrd(
  spec: ObservabilitySpec,
  rules: PrometheusRuleFile,
  renderedRuleFile: string = renderRuleFileYaml(rules),
): string {
  // Empty lines (inside literal blocks) get no trailing spaces.
  const indented = renderedRuleFile
    .split('\n')
    .map(line => (line ? `  ${line}` : line))
    .join('\n');
  return `${toYaml(header(spec))}spec:\n${indented}`;
}
