import type { Entity } from '@backstage/catalog-model';
import { describeEntity } from '../describe/describeEntity';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { deployedRulesFact, generatedRuleNames } from './deployedRules';

function service(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: { 'redline.dev/slo-availability': '99.9' },
    },
    spec: { type: 'service', owner: 'payments' },
  };
}

describe('generatedRuleNames', () => {
  const { artifacts } = describeEntity(
    service('checkout'),
    DEFAULT_GENERATOR_CONFIG,
  );
  const kept = generatedRuleNames(artifacts);

  it('keeps every rule of every group by name, and nothing else', () => {
    expect(kept.rules.groups.map(g => g.rules)).toEqual(
      artifacts.rules.groups.map(g =>
        g.rules.map(r =>
          'alert' in r ? { alert: r.alert } : { record: r.record },
        ),
      ),
    );
  });

  it('shares one frozen object between entities with the same names', () => {
    const other = generatedRuleNames(
      describeEntity(service('ledger'), DEFAULT_GENERATOR_CONFIG).artifacts,
    );
    expect(other).toBe(kept);
    expect(Object.isFrozen(kept)).toBe(true);
    expect(Object.isFrozen(kept.rules.groups)).toBe(true);
    expect(Object.isFrozen(kept.rules.groups[0].rules)).toBe(true);
    expect(Object.isFrozen(kept.rules.groups[0].rules[0])).toBe(true);
  });

  it('keeps entities with other rules apart', () => {
    const withoutSlo = service('search');
    withoutSlo.metadata.annotations = {};
    const other = generatedRuleNames(
      describeEntity(withoutSlo, DEFAULT_GENERATOR_CONFIG).artifacts,
    );
    expect(other).not.toBe(kept);
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(kept));
  });

  it('matches deployed rules as the whole artifacts do', () => {
    const loaded = [
      { type: 'alerting' as const, name: 'HighErrorRate' },
      { type: 'recording' as const, name: 'not-generated' },
    ];
    expect(deployedRulesFact(loaded, kept)).toEqual(
      deployedRulesFact(loaded, artifacts),
    );
    expect(deployedRulesFact(loaded, kept)).toMatchObject({
      loadedAlerts: ['HighErrorRate'],
      loadedRecords: [],
    });
  });
});
