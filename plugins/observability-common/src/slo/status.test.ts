import { makeSpec } from '../generate/__testUtils__/makeSpec';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { planSloQueries } from './queries';
import {
  buildEntitySloResponse,
  burnDownPoints,
  sloArithmetic,
} from './status';
import { sloWindowBounds } from './window';

const DAY = 86_400;

describe('sloWindowBounds', () => {
  it('rolling windows reach back N days', () => {
    const now = Date.UTC(2026, 2, 10, 12, 0, 30, 500);
    const b = sloWindowBounds({ type: 'rolling', days: 28 }, now);
    expect(b.end).toBe(Math.floor(now / 1000));
    expect(b.end - b.start).toBe(28 * DAY);
    expect(b.periodSeconds).toBe(28 * DAY);
    expect(b.label).toBe('28 days, rolling');
  });

  it('a calendar month starts on the 1st, 00:00 UTC, and spans the whole month', () => {
    const b = sloWindowBounds(
      { type: 'calendar', period: 'month' },
      Date.UTC(2024, 1, 29, 23, 59, 59),
    );
    expect(new Date(b.start * 1000).toISOString()).toBe(
      '2024-02-01T00:00:00.000Z',
    );
    expect(b.periodSeconds).toBe(29 * DAY);
    // The first second of March is a new window.
    const march = sloWindowBounds(
      { type: 'calendar', period: 'month' },
      Date.UTC(2024, 2, 1, 0, 0, 0),
    );
    expect(new Date(march.start * 1000).toISOString()).toBe(
      '2024-03-01T00:00:00.000Z',
    );
    expect(march.elapsedSeconds).toBe(0);
    expect(march.periodSeconds).toBe(31 * DAY);
  });

  it('a calendar week starts on the ISO Monday, across a year boundary', () => {
    // Sunday 2026-01-04 belongs to the ISO week starting Monday 2025-12-29.
    const sunday = sloWindowBounds(
      { type: 'calendar', period: 'week' },
      Date.UTC(2026, 0, 4, 23, 0),
    );
    expect(new Date(sunday.start * 1000).toISOString()).toBe(
      '2025-12-29T00:00:00.000Z',
    );
    const monday = sloWindowBounds(
      { type: 'calendar', period: 'week' },
      Date.UTC(2026, 0, 5, 0, 0, 1),
    );
    expect(new Date(monday.start * 1000).toISOString()).toBe(
      '2026-01-05T00:00:00.000Z',
    );
    expect(monday.elapsedSeconds).toBe(1);
    expect(monday.periodSeconds).toBe(7 * DAY);
  });
});

describe('sloArithmetic', () => {
  const month = 30 * DAY;

  it('half the budget spent at half the sustainable rate', () => {
    const f = sloArithmetic(99.9, month, {
      total: 1_000_000,
      bad: 500,
      errorRatio1h: 0.0005,
      errorRatio6h: 0.0005,
    });
    expect(f.health).toBe('meeting');
    expect(f.attainmentPercent).toBeCloseTo(99.95, 10);
    expect(f.budget.remainingPercent).toBeCloseTo(50, 10);
    expect(f.budget.remainingRequests).toBeCloseTo(500, 10);
    expect(f.budget.remainingMinutes).toBeCloseTo(21.6, 10);
    expect(f.burnRate.h1).toBeCloseTo(0.5, 10);
    expect(f.exhaustedInSeconds).toBeCloseTo(month, 3);
  });

  it('burning: budget left, but the 1 h burn rate is above 1', () => {
    const f = sloArithmetic(99.9, month, {
      total: 1_000_000,
      bad: 100,
      errorRatio1h: 0.01,
      errorRatio6h: 0.002,
    });
    expect(f.health).toBe('burning');
    expect(f.burnRate).toEqual({ h1: 10, h6: 2 });
    // 90 % of a 30-day budget at 10×: 2.7 days.
    expect(f.exhaustedInSeconds).toBeCloseTo((0.9 * month) / 10, 3);
  });

  it('exhausted at or below zero remaining', () => {
    const f = sloArithmetic(99, month, {
      total: 1000,
      bad: 20,
      errorRatio1h: 0,
      errorRatio6h: 0,
    });
    expect(f.health).toBe('exhausted');
    expect(f.budget.remainingPercent).toBeCloseTo(-100, 10);
    expect(f.budget.remainingRequests).toBeCloseTo(-10, 10);
    expect(f.exhaustedInSeconds).toBe(0);
  });

  it('zero traffic and missing series are no data, never NaN or 100 %', () => {
    const idle = sloArithmetic(99.9, month, {
      total: 0,
      bad: 0,
      errorRatio1h: null,
      errorRatio6h: null,
    });
    expect(idle).toMatchObject({
      health: 'no-data',
      attainmentPercent: null,
      budget: { remainingPercent: null, totalRequests: 0 },
      exhaustedInSeconds: null,
    });
    expect(idle.reason).toMatch(/^No traffic/);
    const none = sloArithmetic(99.9, month, {
      total: null,
      bad: null,
      errorRatio1h: NaN,
      errorRatio6h: null,
    });
    expect(none.reason).toMatch(/^No series/);
    expect(none.burnRate).toEqual({ h1: null, h6: null });
    expect(JSON.stringify(none)).not.toContain('NaN');
  });
});

describe('burnDownPoints', () => {
  it('burns down from 100 % under a steady error rate, ending at the headline', () => {
    const times = [100, 200, 300, 400];
    const points = burnDownPoints({
      objectivePercent: 99,
      source: 'raw-metrics',
      times,
      stepTotal: new Map(times.map(t => [t, 100])),
      stepBad: new Map(times.map(t => [t, 1])),
    });
    // 400 requests at 99 % allow 4 bad ones; one is spent per step.
    expect(points.map(p => p.remainingPercent)).toEqual([75, 50, 25, 0]);
  });

  it('counts against the whole window and leaves steps without traffic as gaps', () => {
    const times = [100, 200, 300, 400];
    const points = burnDownPoints({
      objectivePercent: 99,
      source: 'raw-metrics',
      times,
      stepTotal: new Map([
        [100, 100],
        [200, 0],
        [400, 100],
      ]),
      stepBad: new Map([
        [100, 1],
        [200, 0],
        [300, 0],
        [400, 0],
      ]),
      final: { t: 450, remainingPercent: 50 },
    });
    // 200 requests at 99 % allow 2 bad ones; the one at 100 spends half.
    expect(points.map(p => p.remainingPercent)).toEqual([
      50,
      null,
      null,
      50,
      50,
    ]);
  });
});

describe('planSloQueries + buildEntitySloResponse', () => {
  const spec = makeSpec();
  const plan = planSloQueries(spec, DEFAULT_GENERATOR_CONFIG, {
    nowMs: Date.UTC(2026, 9, 1),
  });

  it('asks one instant and two range queries, reading raw counters with increase()', () => {
    expect(plan.ranges.map(r => r.id)).toEqual([
      expect.stringMatching(/^burn-down:/),
      'firings',
    ]);
    const [slo] = plan.slos;
    expect(slo.exprs?.total).toBe(
      'sum(increase(http_requests_total{service="checkout"}[2592000s]))',
    );
    expect(slo.exprs?.bad).toBe(
      '(sum(increase(http_requests_total{service="checkout",status=~"5.."}[2592000s])) or vector(0))',
    );
    expect(plan.ranges[0]).toMatchObject({ stepSeconds: 12960 });
  });

  it('reads the recording rules when they are loaded', () => {
    const rules = planSloQueries(spec, DEFAULT_GENERATOR_CONFIG, {
      nowMs: Date.UTC(2026, 9, 1),
      recordingRulesLoaded: { availability: true },
    });
    expect(rules.slos[0].source).toBe('recording-rules');
    expect(rules.slos[0].exprs?.errorRatio).toBe(
      'avg_over_time(slo:sli_error:ratio_rate5m{service="checkout",slo="availability"}[2592000s])',
    );
  });

  it('Prometheus unreachable: every SLO no data, with the reason', () => {
    const answer = buildEntitySloResponse({
      entityRef: 'component:default/checkout',
      plan,
      answers: { status: 'unreachable', error: 'connection refused' },
    });
    expect(answer.prometheus).toEqual({
      status: 'unreachable',
      error: 'connection refused',
    });
    expect(answer.slos[0]).toMatchObject({
      health: 'no-data',
      reason: 'Prometheus unreachable: connection refused',
    });
    expect(answer.slos[0].queries.length).toBeGreaterThan(3);
  });
});
