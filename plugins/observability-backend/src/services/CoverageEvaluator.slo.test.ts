import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  DEFAULT_GENERATOR_CONFIG,
  FactCycle,
  withChecks,
  withGenerators,
  type PromSample,
} from '@redline/backstage-plugin-observability-common';
import { DatabaseCoverageStore } from '../database/DatabaseCoverageStore';
import { CoverageEvaluator } from './CoverageEvaluator';
import { EntityObservabilityService } from './EntityObservabilityService';
import { SloAttainmentBatch } from './SloAttainmentBatch';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const NOW = '2026-11-25T05:00:00.000Z';
const ENTITIES = 30;

const name = (i: number) => `svc-${String(i).padStart(2, '0')}`;

/**
 * 30 services, the odd ones on the `secondary` Prometheus. Every one has a
 * 99.9 % availability SLO; every fifth is on a calendar month instead of
 * 30 rolling days, every fourth also has a latency SLO, and svc-07 has a
 * custom selector.
 */
function entity(i: number): Entity {
  const annotations: Record<string, string> = {
    'redline.dev/slo-availability': '99.9',
  };
  if (i % 2 === 1) annotations['redline.dev/prometheus-instance'] = 'secondary';
  if (i % 5 === 0) annotations['redline.dev/slo-window'] = 'month';
  if (i % 4 === 0) annotations['redline.dev/slo-latency'] = '99% < 300ms';
  if (i === 7)
    annotations['redline.dev/metrics-selector'] = `service="${name(
      7,
    )}",env="prod"`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: name(i), namespace: 'default', annotations },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: i < 15 ? 'team-a' : 'team-b',
    },
  };
}

/** Pages of `limit` with a numeric cursor. */
function fakeCatalog(entities: Entity[]) {
  return {
    async queryEntities(request: { limit: number; cursor?: string }) {
      const offset = Number(request.cursor ?? 0);
      const next = offset + request.limit;
      return {
        items: entities.slice(offset, next),
        totalItems: entities.length,
        pageInfo: next < entities.length ? { nextCursor: String(next) } : {},
      };
    },
  };
}

/**
 * A Prometheus answering the batch query for every service at once: 10 000
 * requests each over any window; 50 errors (0.5 %: budget exhausted) for
 * i % 3 = 0, 8 (0.08 %: 20 % left) for i % 3 = 1, none for i % 3 = 2; 50 of
 * 10 000 requests slower than 300 ms (half the latency budget left).
 */
function fakePrometheus(failing: string[] = []) {
  const queries: Array<{ instance: string; promql: string; time: number }> = [];
  const answer = (instance: string): PromSample[] => {
    const samples: PromSample[] = [];
    for (let i = 0; i < ENTITIES; i++) {
      if ((i % 2 === 1) !== (instance === 'secondary')) continue;
      const service = name(i);
      const q = (redline_q: string, value: number, extra = {}) =>
        samples.push({ labels: { service, redline_q, ...extra }, value });
      q('requests', 10_000);
      if (i % 3 === 0) q('errors', 50);
      if (i % 3 === 1) q('errors', 8);
      q('duration_count', 10_000);
      q('bucket', 9_000, { le: '0.25' });
      q('bucket', 9_950, { le: '0.3' });
      q('bucket', 10_000, { le: '+Inf' });
    }
    return samples;
  };
  return {
    queries,
    async query(
      spec: { prometheusInstance?: string },
      promql: string,
      time: number,
    ) {
      const instance = spec.prometheusInstance ?? 'default';
      queries.push({ instance, promql, time });
      if (failing.includes(instance))
        throw new Error('connect ECONNREFUSED 127.0.0.1:9090');
      return answer(instance);
    },
  };
}

async function runWith(prometheus: ReturnType<typeof fakePrometheus>) {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseCoverageStore.create({
    database: mockServices.database({ knex }),
  });
  const failures: Array<string | undefined> = [];
  const evaluator = CoverageEvaluator.create({
    catalog: fakeCatalog(
      Array.from({ length: ENTITIES }, (_, i) => entity(i)),
    ) as any,
    auth: mockServices.auth(),
    store,
    logger: mockServices.logger.mock(),
    describer: EntityObservabilityService.create({
      catalog: {} as any,
      generator: DEFAULT_GENERATOR_CONFIG,
      generators: withGenerators([]),
      checks: withChecks([]),
    }),
    newFactCycle: () => new FactCycle({}, { batch: true }),
    newSloAttainment: ({ nowMs }) =>
      new SloAttainmentBatch({
        config: DEFAULT_GENERATOR_CONFIG,
        nowMs,
        query: prometheus.query,
        onQueryFailed: instance => failures.push(instance),
      }),
    pageSize: 7,
    now: () => new Date(NOW),
  });
  const result = await evaluator.run();
  const { items } = await store.listRows({ offset: 0, limit: 100 });
  const rows = new Map(items.map(r => [r.name, r]));
  return { store, result, rows, failures };
}

describe('CoverageEvaluator SLO attainment', () => {
  it('asks each Prometheus one query per SLO window for all its services, and stores each row’s and team’s figures', async () => {
    const prometheus = fakePrometheus();
    const { store, result, rows } = await runWith(prometheus);
    expect(result).toMatchObject({ entities: 30, failed: 0, published: true });

    // 30 entities, 2 instances × 2 windows (30 rolling days, the calendar
    // month so far): 4 queries, not 30 or 42.
    const rolling = `[${30 * 86_400}s]`;
    const month = `[${(Date.parse(NOW) - Date.UTC(2026, 10, 1)) / 1000}s]`;
    const windowOf = (promql: string) => {
      if (promql.includes(rolling)) return '30d';
      if (promql.includes(month)) return 'month';
      return '?';
    };
    expect(
      prometheus.queries.map(q => `${q.instance} ${windowOf(q.promql)}`).sort(),
    ).toEqual([
      'default 30d',
      'default month',
      'secondary 30d',
      'secondary month',
    ]);
    for (const { promql, time } of prometheus.queries) {
      expect(time).toBe(Date.parse(NOW) / 1000);
      expect(promql).toContain(
        'sum by (service) (increase(http_requests_total{service!=""}',
      );
      expect(promql).toContain('sum by (service, le)');
      expect(promql).not.toContain('svc-'); // never one entity's
    }

    // svc-00: availability exhausted, latency 50 % left (month window).
    expect(rows.get('svc-00')).toMatchObject({
      slos: 2,
      slosMeasured: 2,
      slosMeeting: 1,
      budgetsNearlyExhausted: 0,
      budgetsExhausted: 1,
      lowestBudgetPercent: expect.closeTo(-400, 6),
    });
    // svc-01: 20 % left; svc-02: untouched.
    expect(rows.get('svc-01')).toMatchObject({
      slos: 1,
      slosMeeting: 1,
      budgetsNearlyExhausted: 1,
      lowestBudgetPercent: expect.closeTo(20, 6),
    });
    expect(rows.get('svc-02')).toMatchObject({
      slosMeeting: 1,
      lowestBudgetPercent: 100,
    });
    // The custom selector is measured on its service label's series.
    expect(rows.get('svc-07')).toMatchObject({
      slosMeasured: 1,
      lowestBudgetPercent: expect.closeTo(20, 6),
    });

    // team-a: svc-00…14 (15 availability + 4 latency SLOs, all measured);
    // 5 availability budgets exhausted (i % 3 = 0), 5 nearly (i % 3 = 1).
    const history = await store.listHistory({ team: 'team-a' });
    expect(history).toEqual([
      expect.objectContaining({
        slos: 19,
        slosMeasured: 19,
        slosMeeting: 14,
        sloMeetingShare: 14 / 19,
        budgetsNearlyExhausted: 5,
        budgetsExhausted: 5,
      }),
    ]);
    const [overall] = await store.listHistory({});
    expect(overall).toMatchObject({ slos: 38, slosMeasured: 38 });
    expect(
      (await store.listMonthlyAttainment({ team: 'team-a' })).map(m => [
        m.month,
        m.sloMeetingShare,
      ]),
    ).toEqual([['2026-11', 14 / 19]]);
  });

  it('asks a Prometheus that does not answer once per window, and its SLOs have no data', async () => {
    const prometheus = fakePrometheus(['secondary']);
    const { rows, failures } = await runWith(prometheus);
    expect(prometheus.queries).toHaveLength(4);
    expect(failures).toEqual(['secondary', 'secondary']);
    expect(rows.get('svc-01')).toMatchObject({
      slos: 1,
      slosMeasured: 0,
      slosMeeting: 0,
      lowestBudgetPercent: null,
    });
    expect(rows.get('svc-02')).toMatchObject({ slosMeasured: 1 });
  });
});
