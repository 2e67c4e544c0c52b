import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  CoverageEntityRow,
  CoverageResponse,
} from '@redline/backstage-plugin-observability-common';
import express from 'express';
import request from 'supertest';
import { DatabaseCoverageStore } from '../database/DatabaseCoverageStore';
import { COVERAGE_TASK_ID } from '../services/scheduleCoverageEvaluation';
import { createCoverageRouter, csvCell } from './coverage';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function row(
  name: string,
  overrides: Partial<CoverageEntityRow> = {},
): CoverageEntityRow {
  return {
    entityRef: `component:default/${name}`,
    name,
    kind: 'Component',
    owner: 'group:default/payments',
    team: 'payments',
    system: 'shop',
    lifecycle: 'production',
    tier: 'tier-1',
    hasSlo: true,
    hasRunbook: true,
    rulesDeployed: 'yes',
    confidence: 0.9,
    failingChecks: 0,
    evaluatedAt: '2026-11-25T05:00:00.000Z',
    ...overrides,
  };
}

const ROWS = [
  row('checkout', {
    slos: 2,
    slosMeasured: 2,
    slosMeeting: 1,
    budgetsNearlyExhausted: 0,
    budgetsExhausted: 1,
    lowestBudgetPercent: -12.5,
  }),
  row('cart', {
    confidence: 0.4,
    failingChecks: 2,
    topFailingCheck: 'Owner exists',
    hasRunbook: false,
  }),
  row('search', {
    owner: 'group:default/discovery',
    team: 'discovery',
    system: 'catalog',
    confidence: 0.6,
    hasSlo: false,
  }),
  row('legacy-billing', {
    owner: 'group:default/finance',
    team: 'finance',
    system: undefined,
    lifecycle: 'deprecated',
    tier: undefined,
    hasSlo: false,
    hasRunbook: false,
    rulesDeployed: 'unknown',
    confidence: 0.1,
    failingChecks: 5,
    topFailingCheck: 'Alerts routed to the owner, "really", badly\nsecond line',
  }),
  row('broken-annotations', {
    team: 'payments',
    tier: 'tier-3',
    confidence: 0.2,
    topFailingCheck: '=HYPERLINK("x")',
  }),
];

describe('createCoverageRouter', () => {
  let app: express.Express;
  let store: DatabaseCoverageStore;
  let triggerTask: jest.Mock;
  let cancelTask: jest.Mock;
  const evaluatedAt = '2026-11-25T05:00:00.000Z';

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    store = await DatabaseCoverageStore.create({
      database: mockServices.database({ knex }),
    });
    await store.beginRun({
      runId: 'run-1',
      evaluatedAt,
      startedAt: evaluatedAt,
    });
    await store.upsertRows('run-1', ROWS);
    await store.publishRun('run-1', {
      entities: ROWS.length,
      finishedAt: evaluatedAt,
      history: [],
    });
    await store.addHistory([
      {
        evaluatedAt: '2026-11-25T04:00:00.000Z',
        services: 5,
        withSlo: 0.4,
        withRunbooks: 0.2,
        withRulesDeployed: 0.2,
        meanConfidence: 0.3,
      },
      {
        evaluatedAt: '2026-11-25T04:00:00.000Z',
        team: 'payments',
        services: 3,
        withSlo: 1,
        withRunbooks: 0.3,
        withRulesDeployed: 0.3,
        meanConfidence: 0.5,
      },
      {
        evaluatedAt: '2026-11-25T05:00:00.000Z',
        services: 5,
        withSlo: 0.6,
        withRunbooks: 0.4,
        withRulesDeployed: 0.6,
        meanConfidence: 0.44,
      },
    ]);
    triggerTask = jest.fn();
    cancelTask = jest.fn();
    const router = await createCoverageRouter({
      store,
      httpAuth: mockServices.httpAuth(),
      scheduler: { triggerTask, cancelTask },
      logger: mockServices.logger.mock(),
      deadAfterMs: 60_000,
    });
    app = express().use('/coverage', router).use(mockErrorHandler());
  });

  const get = (path: string) =>
    request(app).get(path).set('Authorization', mockCredentials.user.header());

  describe('GET /coverage', () => {
    it('shows the published run only while a run writes its pages', async () => {
      await store.beginRun({
        runId: 'in-progress',
        evaluatedAt: '2026-11-25T06:00:00.000Z',
        startedAt: '2026-11-25T06:00:00.000Z',
      });
      try {
        await store.upsertRows('in-progress', [
          row('checkout', { evaluatedAt: '2026-11-25T06:00:00.000Z' }),
        ]);
        const { body } = await get('/coverage?pageSize=100');
        expect(body.evaluatedAt).toBe(evaluatedAt);
        expect(body.totalItems).toBe(ROWS.length);
        expect(body.summary.services).toBe(ROWS.length);
        expect(
          body.items.every(
            (i: CoverageEntityRow) => i.evaluatedAt === evaluatedAt,
          ),
        ).toBe(true);
        const csv = await get('/coverage/export.csv');
        expect(csv.text).not.toContain('2026-11-25T06:00:00.000Z');
      } finally {
        await store.abandonRun('in-progress');
      }
    });

    it('answers the first page, the summaries and when it was evaluated', async () => {
      const res = await get('/coverage');
      expect(res.status).toBe(200);
      const body = res.body as CoverageResponse;
      expect(body.totalItems).toBe(5);
      expect(body.page).toBe(1);
      expect(body.pageSize).toBe(25);
      expect(body.items.map(i => i.name)).toEqual([
        'broken-annotations',
        'cart',
        'checkout',
        'legacy-billing',
        'search',
      ]);
      expect(body.summary.services).toBe(5);
      expect(body.summary.withSlo).toBeCloseTo(3 / 5);
      expect(body.teams.map(t => [t.team, t.services])).toEqual([
        ['discovery', 1],
        ['finance', 1],
        ['payments', 3],
      ]);
      expect(body.evaluatedAt).toBe('2026-11-25T05:00:00.000Z');
    });

    it('filters on the server by owner, team, system, lifecycle, kind and tier', async () => {
      const names = async (query: string) =>
        ((await get(`/coverage?${query}`)).body as CoverageResponse).items.map(
          i => i.name,
        );
      expect(await names('owner=group:default/finance')).toEqual([
        'legacy-billing',
      ]);
      expect(await names('owner=discovery&owner=finance')).toEqual([
        'legacy-billing',
        'search',
      ]);
      expect(await names('owner=discovery,finance')).toEqual([
        'legacy-billing',
        'search',
      ]);
      expect(await names('system=catalog')).toEqual(['search']);
      expect(await names('lifecycle=deprecated')).toEqual(['legacy-billing']);
      expect(await names('kind=Component&tier=tier-3')).toEqual([
        'broken-annotations',
      ]);
      expect(await names('q=BILL')).toEqual(['legacy-billing']);
      const filtered = (await get('/coverage?owner=payments'))
        .body as CoverageResponse;
      expect(filtered.totalItems).toBe(3);
      expect(filtered.summary.services).toBe(3);
      expect(filtered.teams.map(t => t.team)).toEqual(['payments']);
    });

    it('sorts by any column, ascending and descending', async () => {
      const names = async (query: string) =>
        ((await get(`/coverage?${query}`)).body as CoverageResponse).items.map(
          i => i.name,
        );
      expect(await names('sort=confidence&order=desc')).toEqual([
        'checkout',
        'search',
        'cart',
        'broken-annotations',
        'legacy-billing',
      ]);
      expect(await names('sort=failingChecks&order=desc&pageSize=1')).toEqual([
        'legacy-billing',
      ]);
      expect(await names('sort=team')).toEqual([
        'search',
        'legacy-billing',
        'broken-annotations',
        'cart',
        'checkout',
      ]);
      expect(await names('sort=tier&order=asc')).toEqual([
        'cart',
        'checkout',
        'search',
        'broken-annotations',
        'legacy-billing',
      ]);
    });

    it('pages with page and pageSize', async () => {
      const res = await get('/coverage?sort=name&page=2&pageSize=2');
      expect(res.body.items.map((i: CoverageEntityRow) => i.name)).toEqual([
        'checkout',
        'legacy-billing',
      ]);
      expect(res.body.totalItems).toBe(5);
      expect(res.body.page).toBe(2);
      const beyond = await get('/coverage?page=99&pageSize=2');
      expect(beyond.status).toBe(200);
      expect(beyond.body.items).toEqual([]);
      expect(beyond.body.totalItems).toBe(5);
    });

    it.each([
      ['page=0', 'page'],
      ['page=abc', 'page'],
      ['pageSize=501', 'pageSize'],
      ['pageSize=1.5', 'pageSize'],
      ['sort=password', 'sort'],
      ['order=up', 'order'],
      ['owner[a]=b', 'owner'],
      ['sortBy=name', 'sortBy'],
      [`q=${'x'.repeat(201)}`, 'q'],
    ])('answers 400 naming the field for %s', async (query, field) => {
      const res = await get(`/coverage?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(field);
      expect(res.body.error.stack).toBeUndefined();
    });

    it('answers 401 without valid credentials', async () => {
      for (const path of [
        '/coverage',
        '/coverage/history',
        '/coverage/export.csv',
      ]) {
        const res = await request(app)
          .get(path)
          .set('Authorization', mockCredentials.user.invalidHeader());
        expect(res.status).toBe(401);
      }
      const refresh = await request(app)
        .post('/coverage/refresh')
        .set('Authorization', mockCredentials.user.invalidHeader());
      expect(refresh.status).toBe(401);
      expect(triggerTask).not.toHaveBeenCalled();
    });
  });

  describe('GET /coverage/history', () => {
    it('answers overall points oldest first, or a team', async () => {
      const overall = await get('/coverage/history');
      expect(overall.status).toBe(200);
      expect(overall.body.map((p: any) => p.withSlo)).toEqual([0.4, 0.6]);
      const team = await get('/coverage/history?team=payments');
      expect(team.body).toEqual([
        {
          evaluatedAt: '2026-11-25T04:00:00.000Z',
          team: 'payments',
          services: 3,
          withSlo: 1,
          withRunbooks: 0.3,
          withRulesDeployed: 0.3,
          meanConfidence: 0.5,
        },
      ]);
    });

    it('bounds by from/to, accepting any offset', async () => {
      const res = await get(
        `/coverage/history?from=${encodeURIComponent(
          '2026-11-25T06:30:00+02:00',
        )}&to=2026-11-25T05:30:00Z`,
      );
      expect(res.body.map((p: any) => p.evaluatedAt)).toEqual([
        '2026-11-25T05:00:00.000Z',
      ]);
    });

    it.each([
      ['from=yesterday', 'from'],
      ['to=2026-13-01T00:00:00Z', 'to'],
      ['from=2026-11-26T00:00:00Z&to=2026-11-25T00:00:00Z', 'from'],
      ['limit=0', 'limit'],
      ['team=', 'team'],
    ])('answers 400 naming the field for %s', async (query, field) => {
      const res = await get(`/coverage/history?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(field);
    });
  });

  describe('GET /coverage/export.csv', () => {
    it('exports the filtered, sorted rows as CSV with proper escaping', async () => {
      const res = await get(
        '/coverage/export.csv?owner=payments,finance&sort=confidence&order=asc',
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toContain('coverage.csv');
      const lines = res.text.split('\r\n');
      expect(lines[0]).toBe(
        'entityRef,name,kind,owner,team,system,lifecycle,tier,hasSlo,hasRunbook,rulesDeployed,confidence,failingChecks,topFailingCheck,evaluatedAt,slos,slosMeasured,slosMeeting,budgetsNearlyExhausted,budgetsExhausted,lowestBudgetPercent',
      );
      // Four rows and the trailing line break.
      expect(lines).toHaveLength(6);
      expect(res.text).toContain(
        'component:default/legacy-billing,legacy-billing,Component,group:default/finance,finance,,deprecated,,false,false,unknown,0.1,5,"Alerts routed to the owner, ""really"", badly\nsecond line",2026-11-25T05:00:00.000Z,,,,,,\r\n',
      );
      // An overspent budget stays a number, not a quoted formula guard.
      expect(res.text).toContain(
        ',2026-11-25T05:00:00.000Z,2,2,1,0,1,-12.5\r\n',
      );
      expect(res.text).toContain(`,"'=HYPERLINK(""x"")",`);
      expect(res.text).not.toContain('search');
    });

    it("accepts the table's query with its paging but exports every row", async () => {
      const res = await get('/coverage/export.csv?page=2&pageSize=1&sort=name');
      expect(res.status).toBe(200);
      expect(res.text.trim().split('\r\n')).toHaveLength(ROWS.length + 1);
    });

    it('answers 400 naming the field for a bad filter', async () => {
      const res = await get('/coverage/export.csv?order=sideways');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('order');
    });
  });

  describe('POST /coverage/refresh', () => {
    it('triggers the scheduled task', async () => {
      triggerTask.mockResolvedValueOnce(undefined);
      const res = await request(app)
        .post('/coverage/refresh')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'triggered' });
      expect(triggerTask).toHaveBeenCalledWith(COVERAGE_TASK_ID);
    });

    const refresh = () =>
      request(app)
        .post('/coverage/refresh')
        .set('Authorization', mockCredentials.user.header());
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    afterEach(async () => {
      const running = await store.runningRun();
      if (running) await store.abandonRun(running.runId);
      triggerTask.mockReset();
      cancelTask.mockReset();
    });

    it('says so when a run is in progress and alive', async () => {
      await store.beginRun({
        runId: 'alive',
        evaluatedAt: ago(0),
        startedAt: ago(5 * 60_000),
      });
      await store.heartbeat('alive', ago(5_000));
      triggerTask.mockRejectedValueOnce(
        new ConflictError('Task is currently running'),
      );
      const res = await refresh();
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'already-running' });
      expect(cancelTask).not.toHaveBeenCalled();
      expect((await store.runningRun())?.runId).toBe('alive');
    });

    it('says so while the lease is held but the run has not recorded itself yet', async () => {
      triggerTask.mockRejectedValueOnce(
        new ConflictError('Task is currently running'),
      );
      const res = await refresh();
      expect(res.body).toEqual({ status: 'already-running' });
      expect(cancelTask).not.toHaveBeenCalled();
    });

    it("releases a dead run's lease (kill -9) and starts the next run now", async () => {
      // The lease a killed process left: held, but no heartbeat for 2 min.
      await store.beginRun({
        runId: 'killed',
        evaluatedAt: ago(0),
        startedAt: ago(120_000),
      });
      await store.upsertRows('killed', [row('half-done')]);
      triggerTask
        .mockRejectedValueOnce(new ConflictError('Task is currently running'))
        .mockResolvedValueOnce(undefined);
      const res = await refresh();
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'triggered' });
      expect(cancelTask).toHaveBeenCalledWith(COVERAGE_TASK_ID);
      expect(triggerTask).toHaveBeenCalledTimes(2);
      expect(await store.runningRun()).toBeUndefined();
      expect(
        (await store.listRows({ offset: 0, limit: 1, runId: 'killed' }))
          .totalItems,
      ).toBe(0);
      // Readers never saw it.
      const page = await get('/coverage');
      expect(page.body.evaluatedAt).toBe(evaluatedAt);
      expect(page.body.totalItems).toBe(ROWS.length);
    });

    it('answers already-running when another replica claimed the released task first', async () => {
      await store.beginRun({
        runId: 'killed',
        evaluatedAt: ago(0),
        startedAt: ago(120_000),
      });
      triggerTask.mockRejectedValue(
        new ConflictError('Task is currently running'),
      );
      // The janitor had already cleared the lease: cancel finds nothing.
      cancelTask.mockRejectedValueOnce(new ConflictError('not running'));
      const res = await refresh();
      expect(res.body).toEqual({ status: 'already-running' });
      expect(await store.runningRun()).toBeUndefined();
    });

    it('passes other scheduler errors through as typed errors', async () => {
      triggerTask.mockRejectedValueOnce(
        new NotFoundError('Task does not exist'),
      );
      const res = await request(app)
        .post('/coverage/refresh')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(404);
    });
  });
});

describe('csvCell', () => {
  it.each([
    [undefined, ''],
    [true, 'true'],
    [0.5, '0.5'],
    [-12.5, '-12.5'],
    [Number.NaN, ''],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['-1+1', "'-1+1"],
    ['@cmd', "'@cmd"],
  ])('%p -> %p', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});
