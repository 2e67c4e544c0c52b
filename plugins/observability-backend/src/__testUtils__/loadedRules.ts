import type { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_GENERATOR_CONFIG,
  describeEntity,
  GeneratorConfig,
  PrometheusApiRule,
  PrometheusApiRuleGroup,
} from '@redline/backstage-plugin-observability-common';

/**
 * `/api/v1/rules`' groups of a Prometheus that loaded the rule file Redline
 * generates for `entity`: every recording rule, and the alerts `keepAlert`
 * keeps (all by default).
 */
export function loadedRules(
  entity: Entity,
  generator: GeneratorConfig = DEFAULT_GENERATOR_CONFIG,
  keepAlert: (name: string, index: number) => boolean = () => true,
): PrometheusApiRuleGroup[] {
  const { artifacts } = describeEntity(entity, generator);
  let alertIndex = 0;
  return artifacts.rules.groups.map(group => ({
    name: group.name,
    file: `/etc/prometheus/rules/redline-${artifacts.serviceName}.yaml`,
    rules: group.rules.flatMap((rule): PrometheusApiRule[] => {
      if ('record' in rule)
        return [
          {
            type: 'recording',
            name: rule.record,
            query: rule.expr,
            labels: rule.labels,
            health: 'ok',
          },
        ];
      if (!keepAlert(rule.alert, alertIndex++)) return [];
      return [
        {
          type: 'alerting',
          name: rule.alert,
          query: rule.expr,
          labels: rule.labels,
          annotations: rule.annotations,
          state: 'inactive',
          health: 'ok',
          alerts: [],
        },
      ];
    }),
  }));
}
