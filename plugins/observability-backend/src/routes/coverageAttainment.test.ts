import {
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type {
  CoverageHistoryPoint,
  CoverageResponse,
  SloAttainmentHistoryResponse,
} from '@redline/backstage-plugin-observability-common';
import express from 'express';
import request from 'supertest';
import { DatabaseCoverageStore } from '../database/DatabaseCoverageStore';
import { createCoverageRouter } from './coverage';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function point(
  evaluatedAt: string,
  team: string | undefined,
  slosMeeting: number,
): CoverageHistoryPoint {
  return {
    evaluatedAt,
    ...(team ? { team } : {}),
    services: 2,
    withSlo: 1,
    withRunbooks: 0,
    withRulesDeployed: 1,
    meanConfidence: 0.5,
    slos: 4,
    slosMeasured: 4,
    slosMeeting,
    budgetsNearlyExhausted: 1,
    budgetsExhausted: 4 - slosMeeting,
  };
}

describe('GET /coverage/attainment', () => {
  let app: express.Express;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseCoverageStore.create({
      database: mockServices.database({ knex }),
    });
    const evaluatedAt = '2026-11-25T05:00:00.000Z';
    await store.beginRun({ runId: 'r', evaluatedAt, startedAt: evaluatedAt });
    await store.upsertRows('r', [
      {
        entityRef: 'component:default/checkout',
        name: 'checkout',
        kind: 'Component',
        owner: 'group:default/payments',
        team: 'payments',
        hasSlo: true,
        hasRunbook: true,
        rulesDeployed: 'yes',
        confidence: 0.9,
        failingChecks: 0,
        evaluatedAt,
        slos: 2,
        slosMeasured: 2,
        slosMeeting: 1,
        budgetsNearlyExhausted: 1,
        budgetsExhausted: 1,
        lowestBudgetPercent: -3,
      },
    ]);
    await store.publishRun('r', {
      entities: 1,
      finishedAt: evaluatedAt,
      history: [
        point('2026-10-31T23:00:00.000Z', undefined, 3),
        point('2026-10-31T23:00:00.000Z', 'payments', 2),
        point('2026-11-25T05:00:00.000Z', undefined, 4),
        point('2026-11-25T05:00:00.000Z', 'payments', 1),
      ],
    });
    const router = await createCoverageRouter({
      store,
      httpAuth: mockServices.httpAuth(),
      scheduler: { triggerTask: jest.fn(), cancelTask: jest.fn() },
      logger: mockServices.logger.mock(),
    });
    app = express().use('/coverage', router).use(mockErrorHandler());
  });

  it('answers each month per team and overall, as JSON', async () => {
    const res = await request(app).get('/coverage/attainment');
    expect(res.status).toBe(200);
    const body: SloAttainmentHistoryResponse = res.body;
    expect(body.months.map(m => [m.month, m.team, m.sloMeetingShare])).toEqual([
      ['2026-10', undefined, 0.75],
      ['2026-10', 'payments', 0.5],
      ['2026-11', undefined, 1],
      ['2026-11', 'payments', 0.25],
    ]);
  });

  it('narrows to a team and a range of months', async () => {
    const res = await request(app).get(
      '/coverage/attainment?team=payments&from=2026-11&to=2026-11',
    );
    expect(res.body.months).toEqual([
      {
        month: '2026-11',
        team: 'payments',
        evaluatedAt: '2026-11-25T05:00:00.000Z',
        slos: 4,
        slosMeasured: 4,
        slosMeeting: 1,
        sloMeetingShare: 0.25,
        budgetsNearlyExhausted: 1,
        budgetsExhausted: 3,
      },
    ]);
  });

  it('downloads the same months as CSV', async () => {
    const res = await request(app).get(
      '/coverage/attainment.csv?team=payments',
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('slo-attainment.csv');
    expect(res.text.split('\r\n')).toEqual([
      'month,team,evaluatedAt,slos,slosMeasured,slosMeeting,sloMeetingShare,budgetsNearlyExhausted,budgetsExhausted',
      '2026-10,payments,2026-10-31T23:00:00.000Z,4,4,2,0.5,1,2',
      '2026-11,payments,2026-11-25T05:00:00.000Z,4,4,1,0.25,1,3',
      '',
    ]);
  });

  it('rejects a month that is not one, naming the field', async () => {
    const res = await request(app).get('/coverage/attainment?from=2026-13');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('from');
    expect(
      (await request(app).get('/coverage/attainment?from=2026-11&to=2026-10'))
        .status,
    ).toBe(400);
  });

  it('puts the SLO figures in the coverage summary and teams', async () => {
    const body: CoverageResponse = (await request(app).get('/coverage')).body;
    const figures = {
      slos: 2,
      slosMeasured: 2,
      slosMeeting: 1,
      sloMeetingShare: 0.5,
      budgetsNearlyExhausted: 1,
      budgetsExhausted: 1,
    };
    expect(body.summary).toMatchObject(figures);
    expect(body.teams).toEqual([expect.objectContaining(figures)]);
    expect(body.items[0]).toMatchObject({ lowestBudgetPercent: -3 });
    const history = (await request(app).get('/coverage/history?team=payments'))
      .body;
    expect(history.map((p: CoverageHistoryPoint) => p.sloMeetingShare)).toEqual(
      [0.5, 0.25],
    );
  });
});
