import fc from 'fast-check';
import type { LooseRuleGroup } from './ruleGroupDiff';
import {
  formatSyncPlan,
  planCatalogSync,
  type DeclaredNamespace,
} from './syncPlan';

const group = (name: string, expr = 'vector(1)'): LooseRuleGroup => ({
  name,
  rules: [{ record: `r:${name}`, expr }],
});

describe('planCatalogSync', () => {
  const declared: DeclaredNamespace[] = [
    {
      entityRef: 'component:default/checkout',
      owner: 'group:default/payments',
      groups: [group('checkout-red'), group('checkout-slo', 'vector(2)')],
    },
    {
      entityRef: 'component:default/search',
      owner: 'group:default/discovery',
      groups: [group('search-red')],
    },
  ];

  it('groups added, changed and removed groups by owning team', () => {
    const plan = planCatalogSync(declared, [
      {
        entityRef: 'component:default/checkout',
        groups: [group('checkout-slo'), group('checkout-old')],
      },
      { entityRef: 'component:default/search', groups: [group('search-red')] },
      {
        entityRef: 'component:default/retired',
        groups: [group('retired-red')],
      },
    ]);
    expect(plan).toEqual({
      teams: [
        {
          team: 'group:default/payments',
          added: [
            { entityRef: 'component:default/checkout', group: 'checkout-red' },
          ],
          changed: [
            { entityRef: 'component:default/checkout', group: 'checkout-slo' },
          ],
          removed: [
            { entityRef: 'component:default/checkout', group: 'checkout-old' },
          ],
        },
        {
          team: null,
          added: [],
          changed: [],
          removed: [
            { entityRef: 'component:default/retired', group: 'retired-red' },
          ],
        },
      ],
      writes: ['component:default/checkout'],
      deletes: ['component:default/retired'],
    });
    expect(formatSyncPlan(plan)).toEqual([
      'group:default/payments',
      '  + component:default/checkout  checkout-red',
      '  ~ component:default/checkout  checkout-slo',
      '  - component:default/checkout  checkout-old',
      '(entities no longer in the catalog)',
      '  - component:default/retired  retired-red',
      '1 added, 1 changed, 2 removed group(s); 1 namespace(s) to write, 1 to delete.',
    ]);
  });

  it('deletes the namespace of an entity that now declares nothing', () => {
    const plan = planCatalogSync(
      [
        {
          entityRef: 'component:default/a',
          owner: 'group:default/t',
          groups: [],
        },
      ],
      [{ entityRef: 'component:default/a', groups: [group('a-red')] }],
    );
    expect(plan.deletes).toEqual(['component:default/a']);
    expect(plan.writes).toEqual([]);
    expect(plan.teams[0].team).toBe('group:default/t');
  });

  it('plans nothing once the target holds what the catalog declares', () => {
    const entities = fc.uniqueArray(
      fc.record({
        entityRef: fc.stringMatching(/^component:default\/[a-z]{1,6}$/),
        owner: fc.constantFrom('group:default/a', 'group:default/b'),
        groups: fc.uniqueArray(
          fc.stringMatching(/^[a-z]{1,5}$/).map(name => group(name)),
          { selector: g => g.name, maxLength: 3 },
        ),
      }),
      { selector: e => e.entityRef, maxLength: 8 },
    );
    fc.assert(
      fc.property(entities, catalog => {
        const plan = planCatalogSync(catalog, catalog);
        expect(plan).toEqual({ teams: [], writes: [], deletes: [] });
        expect(formatSyncPlan(plan)).toEqual(['Nothing to change.']);
      }),
    );
  });
});
