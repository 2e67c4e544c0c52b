/**
 * Matching one Prometheus rules snapshot to an entity. The backend asks each
 * Prometheus for `/api/v1/rules` once per cycle and calls this for every
 * entity, instead of one HTTP call per entity.
 */
import type { GeneratedArtifacts } from '../generate/types';
import type { ObservabilitySpec } from '../spec/types';
import type { DeployedRulesSnapshot, EntityFacts, LoadedRule } from './types';

function belongsTo(rule: LoadedRule, spec: ObservabilitySpec): boolean {
  const label = spec.metrics.serviceLabel;
  if (rule.labels[label] !== undefined) {
    return rule.labels[label] === spec.serviceName.value;
  }
  // RED recording rules carry no static service label: they are recognised
  // by the entity's selector inside their query.
  return rule.query.includes(spec.selector.value);
}

function generatedNames(artifacts: GeneratedArtifacts) {
  const alerts = new Set(artifacts.alerts.map(a => a.name));
  const records = new Set<string>();
  for (const group of artifacts.rules.groups) {
    for (const rule of group.rules) {
      if ('record' in rule) records.add(rule.record);
    }
  }
  return { alerts, records };
}

/**
 * The `deployedRules` fact for one entity: which of its generated alerts and
 * recording rules Prometheus has loaded (only rules with the generated names
 * that belong to this service count).
 * @public
 */
export function deployedRulesFact(
  snapshot: DeployedRulesSnapshot,
  spec: ObservabilitySpec,
  artifacts: GeneratedArtifacts,
): NonNullable<EntityFacts['deployedRules']> {
  if (snapshot.status !== 'ok') return snapshot;
  const names = generatedNames(artifacts);
  const loadedAlerts = new Set<string>();
  const loadedRecords = new Set<string>();
  for (const rule of snapshot.rules) {
    if (rule.type === 'alerting') {
      if (names.alerts.has(rule.name) && belongsTo(rule, spec)) loadedAlerts.add(rule.name);
    } else if (names.records.has(rule.name) && belongsTo(rule, spec)) {
      loadedRecords.add(rule.name);
    }
  }
  return {
    status: 'ok',
    loadedAlerts: [...loadedAlerts].sort(),
    loadedRecords: [...loadedRecords].sort(),
  };
}
