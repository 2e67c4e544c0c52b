import fc from 'fast-check';
import {
  canonicalRuleGroup,
  diffRuleGroups,
  changesNothing,
  type LooseRuleGroup as RuleGroup,
} from './ruleGroupDiff';

const errors: RuleGroup = {
  name: 'checkout-errors',
  interval: '1m',
  rules: [
    {
      alert: 'HighErrorRate',
      expr: 'job:errors:ratio5m > 0.05',
      for: '5m',
      labels: { team: 'payments', severity: 'page' },
      annotations: { runbook_url: 'https://runbooks.example/high-errors' },
    },
  ],
};
const recording: RuleGroup = {
  name: 'checkout-red',
  rules: [{ record: 'job:errors:ratio5m', expr: 'sum(rate(e[5m]))' }],
};

describe('diffRuleGroups', () => {
  it('sorts groups into added, changed, removed and unchanged', () => {
    const stale: RuleGroup = { name: 'checkout-old', rules: [] };
    const edited: RuleGroup = {
      ...errors,
      rules: [{ ...errors.rules[0], expr: 'job:errors:ratio5m > 0.1' }],
    };
    expect(diffRuleGroups([edited, recording], [errors, stale])).toEqual({
      added: ['checkout-red'],
      changed: ['checkout-errors'],
      removed: ['checkout-old'],
      unchanged: [],
    });
  });

  it('sees no change when an engine spells the same group its own way', () => {
    const asVmalertReportsIt: RuleGroup = {
      name: 'checkout-errors',
      interval: 60,
      rules: [
        {
          alert: 'HighErrorRate',
          expr: 'job:errors:ratio5m > 0.05\n',
          for: 300,
          labels: { severity: 'page', team: 'payments' },
          annotations: { runbook_url: 'https://runbooks.example/high-errors' },
        },
      ],
    };
    const diff = diffRuleGroups([errors], [asVmalertReportsIt]);
    expect(diff.unchanged).toEqual(['checkout-errors']);
    expect(changesNothing(diff)).toBe(true);
  });

  it('compares a group without interval at the engine default', () => {
    const reported: RuleGroup = { ...recording, interval: 60 };
    expect(diffRuleGroups([recording], [reported]).changed).toEqual([
      'checkout-red',
    ]);
    expect(
      diffRuleGroups([recording], [reported], { defaultIntervalSeconds: 60 })
        .unchanged,
    ).toEqual(['checkout-red']);
  });

  it('treats a changed rule order as a change (it is the evaluation order)', () => {
    const two: RuleGroup = {
      name: 'g',
      rules: [
        { record: 'a', expr: '1' },
        { record: 'b', expr: '2' },
      ],
    };
    const swapped: RuleGroup = { name: 'g', rules: [...two.rules].reverse() };
    expect(diffRuleGroups([two], [swapped]).changed).toEqual(['g']);
  });

  it('keeps unparsable durations apart instead of equating them', () => {
    const a = canonicalRuleGroup({ name: 'g', interval: 'soon', rules: [] });
    const b = canonicalRuleGroup({ name: 'g', interval: 'later', rules: [] });
    expect(a).not.toBe(b);
  });
});

const ruleArbitrary = fc.record({
  record: fc.stringMatching(/^[a-z][a-z0-9_:]{0,8}$/),
  expr: fc.string({ minLength: 1, maxLength: 12 }),
});
const groupsArbitrary = fc.uniqueArray(
  fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
    rules: fc.array(ruleArbitrary, { maxLength: 3 }),
  }),
  { selector: group => group.name, maxLength: 6 },
);

describe('diffRuleGroups properties', () => {
  it('accounts for every group name exactly once', () => {
    fc.assert(
      fc.property(groupsArbitrary, groupsArbitrary, (declared, deployed) => {
        const diff = diffRuleGroups(declared, deployed);
        const listed = [
          ...diff.added,
          ...diff.changed,
          ...diff.removed,
          ...diff.unchanged,
        ].sort();
        const names = [
          ...new Set([...declared, ...deployed].map(g => g.name)),
        ].sort();
        expect(listed).toEqual(names);
      }),
    );
  });

  it('finds nothing to do once the declared groups are deployed', () => {
    fc.assert(
      fc.property(groupsArbitrary, declared => {
        expect(changesNothing(diffRuleGroups(declared, declared))).toBe(true);
      }),
    );
  });

  it('swapping declared and deployed swaps added and removed', () => {
    fc.assert(
      fc.property(groupsArbitrary, groupsArbitrary, (a, b) => {
        const forward = diffRuleGroups(a, b);
        const backward = diffRuleGroups(b, a);
        expect(backward.added.sort()).toEqual(forward.removed.sort());
        expect(backward.changed.sort()).toEqual(forward.changed.sort());
      }),
    );
  });
});
