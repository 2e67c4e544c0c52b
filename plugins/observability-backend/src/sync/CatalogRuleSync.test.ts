import {
  changesNothing,
  diffRuleGroups,
} from '@redline/backstage-plugin-observability-common';
import type { ApplyLogEntry } from '../database/ApplyLogStore';
import { component } from '../__testUtils__/entities';
import {
  startRulerApiServer,
  type RulerApiServer,
} from '../ruleTargets/__testUtils__/rulerApiServer';
import type { RuleTarget } from '../ruleTargets/RuleTarget';
import {
  declaredGroupNames,
  describer,
  rulerTarget,
  syncCatalog,
  syncFor,
  testContext,
  testHttp,
} from './__testUtils__/syncFixtures';
import { createRuleTarget } from '../ruleTargets/registry';
import { CatalogRuleSync } from './CatalogRuleSync';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { mockServices } from '@backstage/backend-test-utils';

/** namespace → sorted group names, as the ruler holds them. */
function held(server: RulerApiServer): Map<string, string[]> {
  const namespaces = server.tenants.get('redline') ?? new Map();
  return new Map(
    [...namespaces]
      .filter(([, groups]) => groups.size > 0)
      .map(([namespace, groups]) => [namespace, [...groups.keys()].sort()]),
  );
}

function writesOf(server: RulerApiServer) {
  return server.requests.filter(r => r.method !== 'GET');
}

describe('CatalogRuleSync against the ruler API', () => {
  let server: RulerApiServer;
  let target: RuleTarget;
  beforeEach(async () => {
    server = await startRulerApiServer();
    target = rulerTarget(server.url);
  });
  afterEach(() => server.close());

  it('plans a dry run per team and changes nothing', async () => {
    const { sync, log } = syncFor(syncCatalog());
    const result = await sync.run({
      target,
      dryRun: true,
      actor: 'user:default/ada',
      ctx: testContext(),
    });
    expect(result.applied).toBeUndefined();
    expect(result.entities).toBe(3);
    expect(result.plan.teams.map(t => t.team)).toEqual([
      'group:default/finance',
      'group:default/payments',
    ]);
    expect(result.plan.writes.sort()).toEqual([
      'component:default/checkout',
      'component:default/ledger',
      'component:default/search',
    ]);
    expect(writesOf(server)).toEqual([]);
    expect(log).toEqual([]);
  });

  it('writes every declared group, records each change, then finds nothing to do', async () => {
    const entities = syncCatalog();
    const { sync, log } = syncFor(entities);
    const first = await sync.run({
      target,
      actor: 'user:default/ada',
      ctx: testContext(),
    });
    const declared = declaredGroupNames(entities);
    const groupCount = [...declared.values()].flat().length;
    expect(first.applied).toMatchObject({
      namespacesWritten: 3,
      namespacesDeleted: 0,
      failed: 0,
      requests: groupCount,
    });
    expect(first.applied!.bytesWritten).toBe(
      writesOf(server).reduce((sum, r) => sum + Buffer.byteLength(r.body), 0),
    );
    expect(held(server)).toEqual(
      new Map(
        [...declared].map(([ref, names]) => [
          `redline-${ref.replace(/[:/]/g, '-')}`,
          names,
        ]),
      ),
    );
    expect(log.map(e => [e.entityRef, e.outcome, e.appliedBy])).toEqual(
      expect.arrayContaining([
        ['component:default/checkout', 'applied', 'user:default/ada'],
      ]),
    );
    expect(log).toHaveLength(3);
    for (const entry of log) {
      expect(entry.instance).toBe('mimir');
      // Where the change went: the entity's ruler namespace, as Apply records it.
      expect(entry.path).toBe(
        `redline-${entry.entityRef.replace(/[:/]/g, '-')}`,
      );
      expect(entry.message).toMatch(
        /^sync: wrote \+\d+ ~0 -0 group\(s\) on mimir$/,
      );
    }

    server.requests.length = 0;
    const again = await sync.run({
      target,
      actor: 'scheduler',
      ctx: testContext(),
    });
    expect(again.plan).toEqual({ teams: [], writes: [], deletes: [] });
    expect(again.applied).toMatchObject({ requests: 0, bytesWritten: 0 });
    expect(server.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /prometheus/config/v1/rules',
    ]);
    expect(log).toHaveLength(3);
  });

  it('removes what deleted entities held, and leaves what it did not create or could not describe', async () => {
    const entities = syncCatalog();
    await syncFor(entities).sync.run({
      target,
      actor: 'scheduler',
      ctx: testContext(),
    });
    server.tenants
      .get('redline')!
      .set(
        'hand-written',
        new Map([
          ['mine', { name: 'mine', rules: [{ record: 'm', expr: '1' }] }],
        ]),
      );
    const before = held(server);

    // ledger leaves the catalog; checkout cannot be described this time.
    const remaining = entities.filter(e => e.metadata.name !== 'ledger');
    const describe = describer();
    const log: ApplyLogEntry[] = [];
    const sync = CatalogRuleSync.create({
      catalog: catalogServiceMock({ entities: remaining }),
      auth: mockServices.auth(),
      describer: {
        describe: (entity, options) => {
          if (entity.metadata.name === 'checkout') throw new Error('broken');
          return describe.describe(entity, options);
        },
      },
      applyLog: { record: async entry => void log.push(entry) },
      limits: { pauseMs: 0 },
    });
    const result = await sync.run({
      target,
      actor: 'scheduler',
      ctx: testContext(),
    });

    expect(result.undescribed).toEqual([
      { entityRef: 'component:default/checkout', message: 'broken' },
    ]);
    expect(result.plan.deletes).toEqual(['component:default/ledger']);
    expect(result.plan.writes).toEqual([]);
    expect(result.plan.teams.map(t => t.team)).toEqual([null]);
    const after = new Map(before);
    after.delete('redline-component-default-ledger');
    expect(held(server)).toEqual(after);
    expect(log.map(e => [e.entityRef, e.outcome, e.message])).toEqual([
      [
        'component:default/ledger',
        'applied',
        expect.stringMatching(
          /^sync: deleted \+0 ~0 -\d+ group\(s\) on mimir$/,
        ),
      ],
    ]);
  });

  it('records a namespace the ruler refuses and goes on with the others', async () => {
    const entities = syncCatalog();
    const { sync, log } = syncFor(entities, {
      limits: { concurrency: 1, batchSize: 10 },
    });
    const original = target.write.bind(target);
    let first = true;
    const refusing: RuleTarget = {
      ...target,
      list: ctx => target.list(ctx),
      write: async (ref, groups, ctx, options) => {
        if (first) {
          first = false;
          server.failNext(400);
        }
        return original(ref, groups, ctx, options);
      },
    };
    const result = await sync.run({
      target: refusing,
      actor: 'scheduler',
      ctx: testContext(),
    });
    expect(result.applied).toMatchObject({ failed: 1, namespacesWritten: 2 });
    const failed = log.filter(e => e.outcome === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].message).toMatch(
      /^sync: could not change \+\d+ ~0 -0 group\(s\) on mimir: .*400/,
    );

    const retried = await sync.run({
      target,
      actor: 'scheduler',
      ctx: testContext(),
    });
    expect(retried.plan.writes).toEqual([failed[0].entityRef]);
    const final = await syncFor(entities).sync.run({
      target,
      dryRun: true,
      actor: 'scheduler',
      ctx: testContext(),
    });
    expect(final.plan.writes).toEqual([]);
    for (const namespace of await target.list(testContext())) {
      const declared = describer().describe(
        entities.find(e =>
          namespace.entityRef.endsWith(`/${e.metadata.name}`),
        )!,
      ).artifacts.rules.groups;
      expect(changesNothing(diffRuleGroups(declared, namespace.groups))).toBe(
        true,
      );
    }
  });

  it('keeps an entity without rules out of the target', async () => {
    const library = component('utils', {});
    library.spec = { ...library.spec, type: 'library' };
    const { sync } = syncFor([library]);
    const result = await sync.run({
      target,
      actor: 'scheduler',
      ctx: testContext(),
    });
    expect(result.entities).toBe(1);
    expect(held(server).size).toBe(
      declaredGroupNames([library]).get('component:default/utils')!.length > 0
        ? 1
        : 0,
    );
  });
});

describe('CatalogRuleSync with a target per tenant', () => {
  let server: RulerApiServer;
  beforeEach(async () => {
    server = await startRulerApiServer();
  });
  afterEach(() => server.close());

  const tenantTarget = (tenant: string, owners: string[]) =>
    createRuleTarget(
      {
        name: tenant,
        type: 'mimir-ruler',
        options: { url: server.url, tenant },
        owners,
      },
      { http: testHttp() },
      'observability.ruleTargets[0]',
    );
  const namespacesOf = (tenant: string) =>
    [...(server.tenants.get(tenant) ?? new Map())]
      .filter(([, groups]) => groups.size > 0)
      .map(([namespace]) => namespace)
      .sort();
  const syncBoth = async (
    entities: ReturnType<typeof syncCatalog>,
    targets: RuleTarget[],
  ) => {
    const { sync } = syncFor(entities);
    for (const target of targets)
      await sync.run({ target, actor: 'scheduler', ctx: testContext() });
  };

  it("writes each team's entities into its own tenant, and moves an entity that changes owner", async () => {
    const payments = tenantTarget('payments', ['group:default/payments']);
    const finance = tenantTarget('finance', ['group:default/finance']);
    const entities = syncCatalog();
    await syncBoth(entities, [payments, finance]);
    expect(namespacesOf('payments')).toEqual([
      'redline-component-default-checkout',
      'redline-component-default-search',
    ]);
    expect(namespacesOf('finance')).toEqual([
      'redline-component-default-ledger',
    ]);

    const moved = entities.map(entity =>
      entity.metadata.name === 'search'
        ? {
            ...entity,
            spec: { ...entity.spec, owner: 'group:default/finance' },
          }
        : entity,
    );
    await syncBoth(moved, [payments, finance]);
    expect(namespacesOf('payments')).toEqual([
      'redline-component-default-checkout',
    ]);
    expect(namespacesOf('finance')).toEqual([
      'redline-component-default-ledger',
      'redline-component-default-search',
    ]);
  });

  it('declares an entity that chose a rule target only there, and removes it from another target it left', async () => {
    const payments = tenantTarget('payments', ['group:default/payments']);
    const shared = tenantTarget('shared', ['group:default/payments']);
    const entities = syncCatalog().filter(e => e.metadata.name !== 'ledger');
    await syncBoth(entities, [payments, shared]);
    const both = [
      'redline-component-default-checkout',
      'redline-component-default-search',
    ];
    expect(namespacesOf('payments')).toEqual(both);
    expect(namespacesOf('shared')).toEqual(both);

    const chosen = entities.map(entity =>
      entity.metadata.name === 'checkout'
        ? {
            ...entity,
            metadata: {
              ...entity.metadata,
              annotations: {
                ...entity.metadata.annotations,
                'redline.dev/rule-target': 'shared',
              },
            },
          }
        : entity,
    );
    const { sync } = syncFor(chosen);
    const dryRun = await sync.run({
      target: payments,
      dryRun: true,
      actor: 'scheduler',
      ctx: testContext(),
    });
    expect(dryRun.plan.deletes).toEqual(['component:default/checkout']);
    await syncBoth(chosen, [payments, shared]);
    expect(namespacesOf('payments')).toEqual([
      'redline-component-default-search',
    ]);
    expect(namespacesOf('shared')).toEqual(both);
  });
});
