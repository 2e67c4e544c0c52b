import fc from 'fast-check';
import type { PrometheusApiRule, PrometheusApiRuleGroup } from './apiTypes';
import { groupsHolding } from './groupsHolding';

const snapshot = fc
  .array(fc.array(fc.constantFrom('up', 'x', 'y'), { maxLength: 6 }), {
    maxLength: 8,
  })
  .map(groups =>
    groups.map(
      (exprs, g): PrometheusApiRuleGroup => ({
        name: `g${g}`,
        file: `f${g % 3}.yaml`,
        interval: 30,
        rules: exprs.map(
          (query, r): PrometheusApiRule => ({
            type: 'recording',
            name: `r${g}_${r}`,
            query,
            health: 'ok',
          }),
        ),
      }),
    ),
  );

/** What every group filtered by membership gives: the obvious, slow answer. */
function byFiltering(
  all: PrometheusApiRuleGroup[],
  rules: PrometheusApiRule[],
): PrometheusApiRuleGroup[] {
  const mine = new Set(rules);
  return all
    .map(g => ({ ...g, rules: g.rules.filter(r => mine.has(r)) }))
    .filter(g => g.rules.length > 0);
}

describe('groupsHolding', () => {
  it('equals filtering every group, whatever order the rules come in', () => {
    fc.assert(
      fc.property(
        snapshot.chain(all => {
          const every = all.flatMap(g => g.rules);
          return fc.tuple(fc.constant(all), fc.shuffledSubarray(every));
        }),
        ([all, rules]) => {
          expect(groupsHolding(all, rules)).toEqual(byFiltering(all, rules));
        },
      ),
    );
  });

  it('ignores rules that are not in the snapshot and answers none for none', () => {
    const all: PrometheusApiRuleGroup[] = [
      {
        name: 'a',
        file: 'a.yaml',
        interval: 30,
        rules: [{ type: 'recording', name: 'r', query: 'up', health: 'ok' }],
      },
    ];
    const stranger: PrometheusApiRule = {
      type: 'recording',
      name: 'r',
      query: 'up',
      health: 'ok',
    };
    expect(groupsHolding(all, [])).toEqual([]);
    expect(groupsHolding(all, [stranger])).toEqual([]);
    expect(groupsHolding(all, [all[0].rules[0]])).toEqual(all);
  });
});
