import type { Entity } from '@backstage/catalog-model';
import { describeEntity } from '../describe/describeEntity';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import {
  deployedRulesFact,
  generatedRuleNames,
  prometheusAlertNames,
} from './deployedRules';

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

  it('gives back the shared object itself for a shared object', () => {
    expect(generatedRuleNames(kept)).toBe(kept);
  });

  it('lists each Prometheus alert name once, sorted, without the Watchdog', () => {
    const names = prometheusAlertNames(artifacts);
    const expected = [
      ...new Set(
        artifacts.rules.groups.flatMap(g =>
          g.rules.flatMap(r =>
            'alert' in r && r.alert !== 'Watchdog' ? [r.alert] : [],
          ),
        ),
      ),
    ].sort();
    expect(names).toEqual(expected);
    expect(names.length).toBeGreaterThan(2);
    // A copy: a caller sorting or pushing cannot change the next answer.
    names.push('Mine');
    expect(prometheusAlertNames(artifacts)).toEqual(expected);
  });

  it('tells lists apart by where their groups end and by kind of rule', () => {
    const names = (
      ...groups: Array<Array<{ alert: string } | { record: string }>>
    ) =>
      generatedRuleNames({
        rules: { groups: groups.map(rules => ({ rules })) },
      });
    const split = names([{ alert: 'A' }], [{ alert: 'B' }]);
    const joined = names([{ alert: 'A' }, { alert: 'B' }]);
    const asRecord = names([{ alert: 'A' }], [{ record: 'B' }]);
    expect(split).not.toBe(joined);
    expect(split).not.toBe(asRecord);
    expect(split.rules.groups).toHaveLength(2);
    expect(joined.rules.groups).toHaveLength(1);
    expect(asRecord.rules.groups[1].rules).toEqual([{ record: 'B' }]);
    expect(names([{ alert: 'A' }], [{ alert: 'B' }])).toBe(split);
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
