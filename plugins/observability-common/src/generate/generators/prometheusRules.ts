import { generatePrometheusRules } from '../prometheusRules';
import { renderPrometheusRuleCrd } from '../prometheusRuleCrd';
import type { ArtifactGenerator } from '../registry';
import { renderRuleFileYaml } from '../ruleFileYaml';

/** RED recording rules and alerts, SLO recording rules and burn-rate alerts. */
export const prometheusRulesGenerator: ArtifactGenerator = {
  id: 'prometheus-rules',
  generate({ spec, config }) {
    const { rules, alerts, findings } = generatePrometheusRules(spec, config);
    return {
      ruleGroups: rules.groups,
      alerts,
      findings,
      files: [
        {
          id: 'prometheus-rules',
          path: 'prometheus-rules.yaml',
          mediaType: 'application/yaml',
          label: 'Prometheus rules',
          render: artifacts => renderRuleFileYaml(artifacts.rules),
        },
        {
          id: 'prometheus-rule-crd',
          path: 'prometheus-rule.crd.yaml',
          mediaType: 'application/yaml',
          label: 'PrometheusRule resource (prometheus-operator)',
          // The resource's spec is the rule file itself: indent the already
          // rendered file instead of printing the groups a second time.
          render: artifacts =>
            renderPrometheusRuleCrd(
              spec,
              artifacts.rules,
              artifacts.files.find(f => f.id === 'prometheus-rules')?.content,
            ),
        },
      ],
    };
  },
};
