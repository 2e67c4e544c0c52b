import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  ArtifactGenerator,
  DEFAULT_GENERATOR_CONFIG,
  evaluateChecks,
  FactCycle,
  FactSources,
  GeneratedArtifacts,
  ObservabilitySpec,
  parseSpec,
  withChecks,
  withGenerators,
} from '@redline/backstage-plugin-observability-common';
import type { CoverageStore } from '../database/CoverageStore';
import { DatabaseCoverageStore } from '../database/DatabaseCoverageStore';
import { loadedRules } from '../__testUtils__/loadedRules';
import {
  CoverageEvaluator,
  CoveragePageEvent,
  EntityDescriber,
} from './CoverageEvaluator';
import { EntityObservabilityService } from './EntityObservabilityService';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function component(
  name: string,
  owner: string | undefined,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      ...(owner ? { owner } : {}),
      system: 'shop',
    },
  };
}

/**
 * A catalog that pages like the real one: the first request carries the
 * filter and limit, later ones an opaque cursor and the limit.
 */
function fakeCatalog(entities: Entity[], existingGroups: string[]) {
  const requests: Array<Record<string, unknown>> = [];
  const ownerLookups: string[][] = [];
  return {
    requests,
    ownerLookups,
    async queryEntities(request: any) {
      requests.push(request);
      const limit: number = request.limit;
      let offset = 0;
      let pool = entities;
      if (request.cursor) {
        const decoded = JSON.parse(
          Buffer.from(request.cursor, 'base64').toString(),
        );
        offset = decoded.offset;
        pool = entities.filter(e => decoded.kinds.includes(e.kind));
      } else {
        pool = entities.filter(e => request.filter.kind.includes(e.kind));
      }
      const items = pool.slice(offset, offset + limit);
      const next =
        offset + limit < pool.length
          ? Buffer.from(
              JSON.stringify({
                offset: offset + limit,
                kinds: request.filter?.kind ?? ['Component'],
              }),
            ).toString('base64')
          : undefined;
      return {
        items,
        totalItems: pool.length,
        pageInfo: next ? { nextCursor: next } : {},
      };
    },
    async getEntitiesByRefs(request: { entityRefs: string[] }) {
      ownerLookups.push(request.entityRefs);
      return {
        items: request.entityRefs.map(ref =>
          existingGroups.includes(ref)
            ? {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Group',
                metadata: { name: ref.split('/')[1] },
              }
            : undefined,
        ),
      };
    },
  };
}

/** The tab's describe step and checks, with these generators added. */
function realDescriber(
  generators: ArtifactGenerator[] = [],
): EntityObservabilityService {
  return EntityObservabilityService.create({
    catalog: {} as any,
    generator: DEFAULT_GENERATOR_CONFIG,
    generators: withGenerators(generators),
    checks: withChecks([]),
  });
}

/** Owner lookups answered by the fake catalog, plus any other sources. */
function sourcesOf(
  catalog: ReturnType<typeof fakeCatalog>,
  other: FactSources = {},
): FactSources {
  return {
    async ownersExist(refs) {
      const { items } = await catalog.getEntitiesByRefs({ entityRefs: refs });
      return new Map(refs.map((ref, i) => [ref, items[i] !== undefined]));
    },
    ...other,
  };
}

async function newStore() {
  const knex = await databases.init('SQLITE_3');
  return DatabaseCoverageStore.create({
    database: mockServices.database({ knex }),
  });
}

describe('CoverageEvaluator', () => {
  const checkout = component('checkout', 'payments', {
    'redline.dev/slo-availability': '99.9',
    'redline.dev/runbook-url': 'https://runbooks.example.com/checkout',
    'pagerduty.com/integration-key': 'abc123',
    'redline.dev/slack-channel': 'payments-alerts',
    'redline.dev/tier': '1',
  });
  const legacy = component('legacy-billing', 'group:default/finance');
  const orphan = component('orphan', 'ghosts');
  const secondary = component('search', 'payments', {
    'redline.dev/prometheus-instance': 'secondary',
  });
  const broken = component('broken-annotations', 'finance', {
    'redline.dev/slo-availability': 'lots',
  });
  const api: Entity = {
    ...component('not-a-component', 'payments'),
    kind: 'API',
  };
  const catalogEntities = [checkout, legacy, orphan, secondary, broken, api];

  /** An evaluator over the catalog above, with a new batch cycle over `live` (and owner lookups) per run. */
  function setup(
    store: CoverageStore,
    live: FactSources = {},
    extra: Partial<Parameters<typeof CoverageEvaluator.create>[0]> = {},
  ) {
    const catalog = fakeCatalog(catalogEntities, [
      'group:default/payments',
      'group:default/finance',
    ]);
    const pages: CoveragePageEvent[] = [];
    const logger = mockServices.logger.mock();
    const evaluator = CoverageEvaluator.create({
      catalog: catalog as any,
      auth: mockServices.auth(),
      store,
      logger,
      describer: realDescriber(),
      newFactCycle: () =>
        new FactCycle(sourcesOf(catalog, live), { batch: true }),
      pageSize: 2,
      onPage: e => pages.push(e),
      now: () => new Date('2026-11-25T05:00:00.000Z'),
      ...extra,
    });
    return { evaluator, catalog, pages, logger };
  }

  it('evaluates every Component through the real pipeline into table rows', async () => {
    const store = await newStore();
    const calls: string[] = [];
    const live: FactSources = {
      async prometheusRules(instance) {
        calls.push(`rules ${instance}`);
        if (instance === 'secondary')
          throw new Error('connect ECONNREFUSED 127.0.0.1:9999');
        return loadedRules(checkout);
      },
      async seriesLabelSets(instance, _metrics, labels) {
        calls.push(`series ${instance} by ${labels}`);
        return [];
      },
      async alertmanagerAlerts(instance, only) {
        calls.push(`alerts ${instance} ${JSON.stringify(only)}`);
        return [];
      },
    };
    const { evaluator, catalog, pages } = setup(store, live);

    const result = await evaluator.run();
    expect(result).toMatchObject({
      entities: 5,
      pages: 3,
      failed: 0,
      pruned: 0,
      evaluatedAt: '2026-11-25T05:00:00.000Z',
      published: true,
    });
    // The catalog's share is part of the run's CPU, never more.
    expect(result.cpuSeconds.total).toBeGreaterThan(0);
    expect(result.cpuSeconds.waitingForCatalog).toBeGreaterThanOrEqual(0);
    expect(result.cpuSeconds.waitingForCatalog).toBeLessThanOrEqual(
      result.cpuSeconds.total,
    );

    // One rules call and one series query per Prometheus instance, one
    // alerts call (for every service) per Alertmanager, however many
    // entities and pages.
    expect(calls.sort()).toEqual(
      [
        'rules undefined',
        'rules secondary',
        'series undefined by service',
        'series secondary by service',
        'alerts undefined undefined',
      ].sort(),
    );
    // Owners looked up once each, one call per page that brings new ones
    // (the third page's owner was seen on the first).
    expect(catalog.ownerLookups).toEqual([
      ['group:default/payments', 'group:default/finance'],
      ['group:default/ghosts'],
    ]);
    expect(pages.map(p => p.rowsHeld)).toEqual([2, 2, 1]);

    const { items } = await store.listRows({
      offset: 0,
      limit: 50,
      sort: 'name',
    });
    const byName = Object.fromEntries(items.map(i => [i.name, i]));
    expect(Object.keys(byName).sort()).toEqual([
      'broken-annotations',
      'checkout',
      'legacy-billing',
      'orphan',
      'search',
    ]);

    expect(byName.checkout).toMatchObject({
      entityRef: 'component:default/checkout',
      kind: 'Component',
      owner: 'group:default/payments',
      team: 'payments',
      system: 'shop',
      lifecycle: 'production',
      tier: 'tier-1',
      hasSlo: true,
      hasRunbook: true,
      rulesDeployed: 'yes',
      evaluatedAt: '2026-11-25T05:00:00.000Z',
    });
    expect(byName['legacy-billing']).toMatchObject({
      hasSlo: false,
      hasRunbook: false,
      rulesDeployed: 'no',
      team: 'finance',
    });
    expect(byName.checkout.confidence).toBeGreaterThan(
      byName['legacy-billing'].confidence,
    );
    expect(byName.orphan.topFailingCheck).toBe('Owner exists');
    expect(byName.search.rulesDeployed).toBe('unknown');
    expect(byName['broken-annotations'].hasSlo).toBe(false);
    expect(byName['broken-annotations'].failingChecks).toBeGreaterThan(0);

    const history = await store.listHistory({});
    expect(history).toEqual([
      expect.objectContaining({
        evaluatedAt: '2026-11-25T05:00:00.000Z',
        services: 5,
        withSlo: 0.2,
        withRunbooks: 0.2,
      }),
    ]);
    expect(history[0].withRulesDeployed).toBeCloseTo(0.2);
    expect(await store.listHistory({ team: 'payments' })).toEqual([
      expect.objectContaining({ team: 'payments', services: 2 }),
    ]);
  });

  it('without a Prometheus, rules are unknown for every row', async () => {
    const store = await newStore();
    await setup(store).evaluator.run();
    const { items } = await store.listRows({ offset: 0, limit: 50 });
    expect(items).toHaveLength(5);
    expect(new Set(items.map(i => i.rulesDeployed))).toEqual(
      new Set(['unknown']),
    );
  });

  it('prunes entities that left the catalog and adds a history point per run', async () => {
    const store = await newStore();
    let now = new Date('2026-11-25T05:00:00.000Z');
    const { evaluator } = setup(store, undefined, { now: () => now });
    await evaluator.run();
    catalogEntities.splice(catalogEntities.indexOf(orphan), 1);
    try {
      now = new Date('2026-11-25T05:30:00.000Z');
      const second = await evaluator.run();
      expect(second.pruned).toBe(1);
      const { items } = await store.listRows({ offset: 0, limit: 50 });
      expect(items.map(i => i.name)).not.toContain('orphan');
      expect(
        items.every(i => i.evaluatedAt === '2026-11-25T05:30:00.000Z'),
      ).toBe(true);
      expect(
        (await store.listHistory({})).map(p => [p.evaluatedAt, p.services]),
      ).toEqual([
        ['2026-11-25T05:00:00.000Z', 5],
        ['2026-11-25T05:30:00.000Z', 4],
      ]);
    } finally {
      catalogEntities.splice(2, 0, orphan);
    }
  });

  it('drops history older than the retention after a run', async () => {
    const store = await newStore();
    const point = (evaluatedAt: string) => ({
      evaluatedAt,
      services: 1,
      withSlo: 0,
      withRunbooks: 0,
      withRulesDeployed: 0,
      meanConfidence: 0,
    });
    await store.addHistory([
      point('2026-11-01T00:00:00.000Z'),
      point('2026-11-20T00:00:00.000Z'),
    ]);
    const { evaluator } = setup(store, undefined, { historyRetentionDays: 10 });
    await evaluator.run();
    expect((await store.listHistory({})).map(p => p.evaluatedAt)).toEqual([
      '2026-11-20T00:00:00.000Z',
      '2026-11-25T05:00:00.000Z',
    ]);
  });

  it('logs and skips an entity that cannot be evaluated, keeping the others', async () => {
    const store = await newStore();
    // An added generator with a bug that only one entity triggers.
    const fragile: ArtifactGenerator = {
      id: 'fragile',
      generate({ spec }) {
        if (spec.name === 'orphan') throw new Error('boom');
        return {};
      },
    };
    const { evaluator, logger } = setup(store, undefined, {
      describer: realDescriber([fragile]),
    });
    const result = await evaluator.run();
    expect(result.failed).toBe(1);
    expect((await store.listRows({ offset: 0, limit: 50 })).totalItems).toBe(4);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/Component:default\/orphan: Error: boom/),
    );
  });

  it('keeps the event loop turning while it generates', async () => {
    const store = await newStore();
    // Enough entities for one page to outlast several 15 ms slices, however
    // fast describing gets.
    const many = Array.from({ length: 400 }, (_, i) =>
      component(`svc-${i}`, 'payments', {
        'redline.dev/slo-availability': '99.9',
      }),
    );
    const catalog = fakeCatalog(many, ['group:default/payments']);
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 1);
    try {
      const started = performance.now();
      await CoverageEvaluator.create({
        catalog: catalog as any,
        auth: mockServices.auth(),
        store,
        logger: mockServices.logger.mock(),
        describer: realDescriber(),
        newFactCycle: () => new FactCycle(sourcesOf(catalog), { batch: true }),
        pageSize: 400,
      }).run();
      const elapsed = performance.now() - started;
      // One page of 400 real descriptions: without yielding, the timer could
      // not fire until the page was done. It fires at least once per slice.
      expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 60));
      expect(ticks).toBeGreaterThan(1);
    } finally {
      clearInterval(timer);
    }
  });

  it('stops between pages when aborted, leaving the published run and no trace of the partial one', async () => {
    const store = await newStore();
    let now = new Date('2026-11-25T05:00:00.000Z');
    await setup(store, undefined, { now: () => now }).evaluator.run();
    const before = await store.listRows({ offset: 0, limit: 50 });

    now = new Date('2026-11-25T05:30:00.000Z');
    const controller = new AbortController();
    const { evaluator } = setup(store, undefined, {
      now: () => now,
      onPage: e => {
        if (e.page === 1) controller.abort();
      },
    });
    await expect(evaluator.run(controller.signal)).rejects.toThrow(/aborted/);
    expect(await store.listRows({ offset: 0, limit: 50 })).toEqual(before);
    expect((await store.publishedRun())?.evaluatedAt).toBe(
      '2026-11-25T05:00:00.000Z',
    );
    expect(await store.runningRun()).toBeUndefined();
    expect((await store.listHistory({})).map(p => p.evaluatedAt)).toEqual([
      '2026-11-25T05:00:00.000Z',
    ]);
  });

  it('shows the previous run, whole, while a run writes its pages', async () => {
    const store = await newStore();
    let now = new Date('2026-11-25T05:00:00.000Z');
    await setup(store, undefined, { now: () => now }).evaluator.run();
    now = new Date('2026-11-25T05:30:00.000Z');
    // What a reader sees right after each page is written.
    const seen: Array<{ total: number; evaluatedAt: Set<string> }> = [];
    const reads: Promise<void>[] = [];
    const watched: CoverageStore = {
      ...bind(store),
      async upsertRows(runId, rows) {
        await store.upsertRows(runId, rows);
        reads.push(
          (async () => {
            const { items, totalItems } = await store.listRows({
              offset: 0,
              limit: 50,
            });
            seen.push({
              total: totalItems,
              evaluatedAt: new Set(items.map(i => i.evaluatedAt)),
            });
          })(),
        );
      },
    };
    await CoverageEvaluator.create({
      catalog: fakeCatalog(catalogEntities, ['group:default/payments']) as any,
      auth: mockServices.auth(),
      store: watched,
      logger: mockServices.logger.mock(),
      describer: realDescriber(),
      newFactCycle: () => new FactCycle({}, { batch: true }),
      pageSize: 2,
      now: () => now,
    }).run();
    await Promise.all(reads);
    expect(seen).toHaveLength(3);
    for (const page of seen) {
      expect(page.total).toBe(5);
      expect([...page.evaluatedAt]).toEqual(['2026-11-25T05:00:00.000Z']);
    }
    const { items } = await store.listRows({ offset: 0, limit: 50 });
    expect(new Set(items.map(i => i.evaluatedAt))).toEqual(
      new Set(['2026-11-25T05:30:00.000Z']),
    );
  });

  it('records nothing when the catalog answers no entities (still loading after a start)', async () => {
    const store = await newStore();
    await setup(store).evaluator.run();
    const before = await store.publishedRun();
    const logger = mockServices.logger.mock();
    const result = await CoverageEvaluator.create({
      catalog: fakeCatalog([], []) as any,
      auth: mockServices.auth(),
      store,
      logger,
      describer: realDescriber(),
      newFactCycle: () => new FactCycle({}, { batch: true }),
      now: () => new Date('2026-11-25T05:30:00.000Z'),
    }).run();
    expect(result).toMatchObject({ entities: 0, published: false });
    expect(await store.publishedRun()).toEqual(before);
    expect((await store.listRows({ offset: 0, limit: 50 })).totalItems).toBe(5);
    expect((await store.listHistory({})).map(p => p.services)).toEqual([5]);
    expect(await store.runningRun()).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no entities'),
    );

    // Nor on a fresh install: no 0-service point to start the trend with.
    const fresh = await newStore();
    await CoverageEvaluator.create({
      catalog: fakeCatalog([], []) as any,
      auth: mockServices.auth(),
      store: fresh,
      logger,
      describer: realDescriber(),
      newFactCycle: () => new FactCycle({}, { batch: true }),
    }).run();
    expect(await fresh.publishedRun()).toBeUndefined();
    expect(await fresh.listHistory({})).toEqual([]);
  });

  it('beats while it runs, and stops when a recovery took it for dead', async () => {
    const store = await newStore();
    const beats: string[] = [];
    let abandonAfter = Infinity;
    const watched: CoverageStore = {
      ...bind(store),
      async heartbeat(runId, at) {
        beats.push(at);
        if (beats.length >= abandonAfter) await store.abandonRun(runId);
        return store.heartbeat(runId, at);
      },
    };
    // A slow catalog: each page takes 60 ms, so a 20 ms heartbeat fires.
    const slow = fakeCatalog(catalogEntities, ['group:default/payments']);
    const catalog = {
      ...slow,
      async queryEntities(request: any) {
        await new Promise(r => setTimeout(r, 60));
        return slow.queryEntities(request);
      },
    };
    const make = () =>
      CoverageEvaluator.create({
        catalog: catalog as any,
        auth: mockServices.auth(),
        store: watched,
        logger: mockServices.logger.mock(),
        describer: realDescriber(),
        newFactCycle: () => new FactCycle({}, { batch: true }),
        pageSize: 2,
        heartbeatIntervalMs: 20,
      });
    await make().run();
    expect(beats.length).toBeGreaterThanOrEqual(3);
    const published = await store.publishedRun();

    beats.length = 0;
    abandonAfter = 2;
    await expect(make().run()).rejects.toThrow(/taken for dead/);
    expect(await store.publishedRun()).toEqual(published);
  });

  it('streams 10 000 entities page by page, never holding more than a page', async () => {
    const total = 10_000;
    const pageSize = 250;
    const entities = Array.from({ length: total }, (_, i) =>
      component(
        `svc-${String(i).padStart(5, '0')}`,
        `team-${i % 40}`,
        i % 3 === 0 ? { 'redline.dev/slo-availability': '99.5' } : {},
      ),
    );
    const catalog = fakeCatalog(
      entities,
      Array.from({ length: 40 }, (_, i) => `group:default/team-${i}`),
    );
    const realStore = await newStore();
    let largestWrite = 0;
    const store: CoverageStore = {
      ...bind(realStore),
      async upsertRows(runId, rows) {
        largestWrite = Math.max(largestWrite, rows.length);
        return realStore.upsertRows(runId, rows);
      },
    };
    // Light artifacts: this test is about paging and memory, not generation
    // (the real generator is exercised above and in the benchmark).
    const light = (spec: ObservabilitySpec): GeneratedArtifacts => ({
      entityRef: spec.entityRef,
      serviceName: spec.serviceName.value,
      rules: { groups: [] },
      alerts: [],
      runbooks: [],
      files: [],
      output: {
        observability_design: { pillars: [], tools: [], dashboards: [] },
        configuration: [],
        alerts: [],
        runbooks: [],
        confidence_score: 0,
      },
      confidence: { score: spec.slos.length ? 0.6 : 0.2, factors: [] },
      findings: [],
    });
    const describer: EntityDescriber = {
      describe(entity) {
        const { spec, findings } = parseSpec(entity, DEFAULT_GENERATOR_CONFIG);
        return { spec, findings, redTargets: [], artifacts: light(spec) };
      },
      check: (description, facts) =>
        evaluateChecks(description.spec, description.artifacts, facts),
    };
    let peakHeld = 0;
    const pages: CoveragePageEvent[] = [];
    const evaluator = CoverageEvaluator.create({
      catalog: catalog as any,
      auth: mockServices.auth(),
      store,
      logger: mockServices.logger.mock(),
      describer,
      newFactCycle: () => new FactCycle(sourcesOf(catalog), { batch: true }),
      pageSize,
      onPage: e => {
        pages.push(e);
        peakHeld = Math.max(peakHeld, e.rowsHeld);
      },
    });

    const result = await evaluator.run();

    expect(result.entities).toBe(total);
    expect(result.pages).toBe(total / pageSize);
    expect(catalog.requests).toHaveLength(total / pageSize);
    // Only what describing reads: relations and status stay in the catalog.
    const fields = ['apiVersion', 'kind', 'metadata', 'spec'];
    expect(catalog.requests[0]).toEqual({
      filter: { kind: ['Component'] },
      limit: pageSize,
      fields,
    });
    for (const r of catalog.requests.slice(1)) {
      expect(Object.keys(r).sort()).toEqual(['cursor', 'fields', 'limit']);
      expect(r.limit).toBe(pageSize);
      expect(r.fields).toEqual(fields);
    }
    expect(pages[1].request.cursor).toEqual(expect.any(String));
    expect(peakHeld).toBeLessThanOrEqual(pageSize);
    expect(largestWrite).toBeLessThanOrEqual(pageSize);
    // 40 owners, each looked up exactly once across 40 pages.
    expect(catalog.ownerLookups.flat()).toHaveLength(40);

    const { totalItems } = await realStore.listRows({ offset: 0, limit: 1 });
    expect(totalItems).toBe(total);
    const [overall] = await realStore.listHistory({});
    expect(overall.services).toBe(total);
    expect(overall.withSlo).toBeCloseTo(3334 / total);
    expect(await realStore.listHistory({ team: 'team-0' })).toEqual([
      expect.objectContaining({ services: 250 }),
    ]);
  });
});

/** The store's methods bound to it, so a test can override one of them. */
function bind(store: CoverageStore): CoverageStore {
  return {
    beginRun: store.beginRun.bind(store),
    heartbeat: store.heartbeat.bind(store),
    upsertRows: store.upsertRows.bind(store),
    publishRun: store.publishRun.bind(store),
    abandonRun: store.abandonRun.bind(store),
    publishedRun: store.publishedRun.bind(store),
    runningRun: store.runningRun.bind(store),
    listRows: store.listRows.bind(store),
    summarize: store.summarize.bind(store),
    addHistory: store.addHistory.bind(store),
    listHistory: store.listHistory.bind(store),
    listMonthlyAttainment: store.listMonthlyAttainment.bind(store),
    pruneHistory: store.pruneHistory.bind(store),
  };
}
