import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_CHECKS,
  DEFAULT_GENERATOR_CONFIG,
  DEFAULT_GENERATORS,
  FactCycle,
  FactSources,
  PrometheusApiRuleGroup,
} from '@redline/backstage-plugin-observability-common';
import type { Knex } from 'knex';
import { DatabaseCoverageStore } from '../database/DatabaseCoverageStore';
import { DatabaseRememberedRowStore } from '../database/DatabaseRememberedRowStore';
import { loadDemoCatalog } from '../__testUtils__/demoCatalog';
import { loadedRules } from '../__testUtils__/loadedRules';
import { CoverageEvaluator, EntityDescriber } from './CoverageEvaluator';
import { EntityObservabilityService } from './EntityObservabilityService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** The real describe step and checks, counting the entities it describes. */
function countingDescriber(fingerprint?: string) {
  const real = EntityObservabilityService.create({
    catalog: {} as any,
    generator: DEFAULT_GENERATOR_CONFIG,
    generators: DEFAULT_GENERATORS,
    checks: DEFAULT_CHECKS,
  });
  const described: string[] = [];
  /** Specs parsed alone (rows read back after a restart), with their buckets. */
  const parsed: Array<{ name: string; observedBuckets?: readonly string[] }> =
    [];
  const describer: EntityDescriber = {
    describe(entity, options) {
      described.push(entity.metadata.name);
      return real.describe(entity, options);
    },
    check: (description, facts) => real.check(description, facts),
    spec(entity, options) {
      parsed.push({
        name: entity.metadata.name,
        observedBuckets: options?.observedBuckets,
      });
      return real.spec(entity, options);
    },
    servesRequests: entity => real.servesRequests(entity),
    fingerprint: fingerprint ?? real.fingerprint,
  };
  return { describer, described, parsed };
}

/** A world that changes between runs: the catalog and the loaded rules. */
function world(entities: Entity[]) {
  const state = {
    entities,
    rules: [] as PrometheusApiRuleGroup[],
  };
  const catalog = {
    async queryEntities(request: any) {
      const offset = request.cursor ? Number(request.cursor) : 0;
      const pool = state.entities.filter(e =>
        (request.filter?.kind ?? ['Component']).includes(e.kind),
      );
      const items = pool.slice(offset, offset + request.limit);
      const next = offset + request.limit;
      return {
        items,
        totalItems: pool.length,
        pageInfo: next < pool.length ? { nextCursor: String(next) } : {},
      };
    },
  };
  const sources: FactSources = {
    async prometheusRules() {
      return state.rules;
    },
    async seriesLabelSets() {
      return [];
    },
    async alertmanagerAlerts() {
      return [];
    },
  };
  return { state, catalog, sources };
}

/**
 * An evaluator as a backend process has it; `restartOf` gives it the
 * database of an earlier one, as a restarted backend would find it.
 */
async function evaluatorOver(
  w: ReturnType<typeof world>,
  options: { restartOf?: { knex: Knex }; fingerprint?: string } = {},
) {
  const knex = options.restartOf?.knex ?? (await databases.init('SQLITE_3'));
  const database = mockServices.database({ knex });
  const store = await DatabaseCoverageStore.create({ database });
  const { describer, described, parsed } = countingDescriber(
    options.fingerprint,
  );
  const evaluator = CoverageEvaluator.create({
    catalog: w.catalog as any,
    auth: mockServices.auth(),
    store,
    remembered: await DatabaseRememberedRowStore.create({ database }),
    logger: mockServices.logger.mock(),
    describer,
    newFactCycle: () => new FactCycle(w.sources, { batch: true }),
    pageSize: 4,
  });
  const rows = async () => {
    const { items } = await store.listRows({
      offset: 0,
      limit: 500,
      sort: 'name',
    });
    return items.map(({ evaluatedAt, ...row }) => row);
  };
  return { evaluator, described, parsed, rows, knex };
}

function withAnnotation(entity: Entity, name: string, value: string): Entity {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: { ...entity.metadata.annotations, [name]: value },
    },
  };
}

describe('CoverageEvaluator remembering rows between runs', () => {
  const demo = loadDemoCatalog();
  const components = demo.filter(e => e.kind === 'Component');
  const serving = components.filter(e => e.spec?.type === 'service');
  const checkout = demo.find(e => e.metadata.name === 'checkout')!;

  it('never describes what serves no requests, before or after a restart', async () => {
    const notServing = components.filter(e => e.spec?.type !== 'service');
    expect(new Set(notServing.map(e => e.spec?.type))).toEqual(
      new Set(['library', 'website']),
    );
    const w = world(demo);
    const before = await evaluatorOver(w);
    const first = await before.evaluator.run();
    expect(first).toMatchObject({
      notServing: notServing.length,
      described: serving.length,
    });
    expect(new Set(before.described)).toEqual(
      new Set(serving.map(e => e.metadata.name)),
    );

    const after = await evaluatorOver(w, { restartOf: before });
    const again = await after.evaluator.run();
    expect(again).toMatchObject({
      notServing: notServing.length,
      described: 0,
    });
    expect(after.described).toEqual([]);
  });

  it('describes nothing again when neither the catalog nor the facts changed', async () => {
    const w = world(demo);
    const { evaluator, described, rows } = await evaluatorOver(w);

    await evaluator.run();
    expect(described.length).toBeGreaterThanOrEqual(serving.length);
    const first = await rows();

    described.length = 0;
    const second = await evaluator.run();
    expect(described).toEqual([]);
    expect(second.entities).toBe(components.length);
    expect(await rows()).toEqual(first);
  });

  it('describes again only the entity whose metadata changed', async () => {
    const w = world(demo);
    const { evaluator, described, rows } = await evaluatorOver(w);
    await evaluator.run();

    w.state.entities = demo.map(e =>
      e === checkout ? withAnnotation(e, 'redline.dev/tier', '3') : e,
    );
    described.length = 0;
    await evaluator.run();

    expect(new Set(described)).toEqual(new Set(['checkout']));
    const row = (await rows()).find(r => r.name === 'checkout');
    expect(row?.tier).toBe('tier-3');
  });

  it('checks again the entity whose facts changed, and agrees with a run that remembers nothing', async () => {
    const w = world(demo);
    const { evaluator, described, rows } = await evaluatorOver(w);
    await evaluator.run();
    expect((await rows()).find(r => r.name === 'checkout')?.rulesDeployed).toBe(
      'no',
    );

    // checkout's alerts get deployed: its facts change, nobody else's do.
    w.state.rules = loadedRules(checkout);
    described.length = 0;
    await evaluator.run();
    expect(new Set(described)).toEqual(new Set(['checkout']));
    const remembered = await rows();
    expect(remembered.find(r => r.name === 'checkout')?.rulesDeployed).toBe(
      'yes',
    );

    const fresh = await evaluatorOver(w);
    await fresh.evaluator.run();
    expect(remembered).toEqual(await fresh.rows());
  });

  it('forgets entities that left the catalog, and describes one that comes back', async () => {
    const w = world(demo);
    const { evaluator, described } = await evaluatorOver(w);
    await evaluator.run();

    w.state.entities = demo.filter(e => e !== checkout);
    await evaluator.run();
    w.state.entities = demo;
    described.length = 0;
    await evaluator.run();
    expect(described).toEqual(['checkout']);
  });

  it('after a restart, describes nothing that did not change and publishes the same rows', async () => {
    const w = world(demo);
    const before = await evaluatorOver(w);
    await before.evaluator.run();
    const published = await before.rows();

    const after = await evaluatorOver(w, { restartOf: before });
    const run = await after.evaluator.run();
    expect(after.described).toEqual([]);
    expect(run.described).toBe(0);
    expect(await after.rows()).toEqual(published);

    // What it read back is enough to notice a change of facts, and the row
    // then made agrees with a run that remembers nothing.
    w.state.rules = loadedRules(checkout);
    await after.evaluator.run();
    expect(new Set(after.described)).toEqual(new Set(['checkout']));
    const fresh = await evaluatorOver(w);
    await fresh.evaluator.run();
    expect(await after.rows()).toEqual(await fresh.rows());
  });

  it('after a restart, parses a row measured at live buckets again at those buckets', async () => {
    const w = world(demo);
    // Checkout's 300 ms latency SLO is no bucket here, so its row is
    // measured at these rather than the configured ones.
    const live = ['0.1', '0.25', '0.5', '1', '+Inf'];
    w.sources.bucketLabelSets = async () =>
      live.map(le => ({ service: 'checkout', le }));
    const before = await evaluatorOver(w);
    await before.evaluator.run();
    const published = await before.rows();

    const after = await evaluatorOver(w, { restartOf: before });
    await after.evaluator.run();
    expect(after.described).toEqual([]);
    expect(after.parsed).toContainEqual({
      name: 'checkout',
      observedBuckets: ['0.1', '0.25', '0.5', '1'],
    });
    expect(after.parsed).toHaveLength(serving.length);
    expect(await after.rows()).toEqual(published);

    // Every run parses again rather than keep 10 000 specs in memory.
    after.parsed.length = 0;
    await after.evaluator.run();
    expect(after.parsed).toHaveLength(serving.length);
    expect(after.described).toEqual([]);
  });

  it('after a restart with another configuration or version, describes every entity again', async () => {
    const w = world(demo);
    const before = await evaluatorOver(w);
    await before.evaluator.run();

    const after = await evaluatorOver(w, {
      restartOf: before,
      fingerprint: 'another configuration',
    });
    await after.evaluator.run();
    expect(after.described.length).toBeGreaterThanOrEqual(serving.length);
  });

  it('after a restart, forgets what left the catalog while it was down', async () => {
    const w = world(demo);
    const before = await evaluatorOver(w);
    await before.evaluator.run();

    w.state.entities = demo.filter(e => e !== checkout);
    const after = await evaluatorOver(w, { restartOf: before });
    await after.evaluator.run();
    const kept = await DatabaseRememberedRowStore.create({
      database: mockServices.database({ knex: before.knex }),
    });
    const refs = (await kept.load(countingDescriber().describer.fingerprint!))
      .map(([ref]) => ref)
      .sort();
    expect(refs).not.toContain('component:default/checkout');
    expect(refs).toEqual(
      components
        .filter(e => e !== checkout)
        .map(e => `component:default/${e.metadata.name}`)
        .sort(),
    );
  });
});
