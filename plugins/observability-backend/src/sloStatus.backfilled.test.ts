/**
 * SLO status against a real Prometheus holding 30 days of known history,
 * backfilled with `promtool tsdb create-blocks-from openmetrics`: the
 * budget, burn-down and alert-history figures are asserted as numbers, not
 * shapes. One TSDB serves every scenario (a service per scenario).
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_GENERATOR_CONFIG,
  describeEntity,
  type EntityDescription,
  type EntitySloResponse,
  type SloStatus,
  type SloWindow,
} from '@redline/backstage-plugin-observability-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import {
  describeWithBinary,
  requireBinary,
} from '../../../test/support/binaries';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- as above
import {
  startBackfilledPrometheus,
  type BackfilledPrometheus,
  type ServiceHistory,
} from '../../../test/support/backfilledPrometheus';
import { component } from './__testUtils__/entities';
import { EntityFactsService } from './services/EntityFactsService';
import type { EntityObservabilityService } from './services/EntityObservabilityService';
import { OutboundHttp } from './services/OutboundHttp';
import { PrometheusClient } from './services/PrometheusClient';
import { RunbookChecker } from './services/RunbookChecker';
import { SloStatusService } from './services/SloStatusService';
import { backgroundContext } from './telemetry/context';

jest.setTimeout(120_000);

const DAY = 86_400;
/**
 * One sample an hour: promtool 2.42 writes a block per 2 hours
 * and re-reads the whole input for each of the 372, so the input must be
 * small to keep the test under a minute. Every query here spans an hour or
 * more, so a coarse scrape changes no figure (rates are constant).
 */
const STEP = 3600;
/** The end of the backfilled data: every query is evaluated here. */
const END = Date.UTC(2026, 9, 1) / 1000;
/** History starts an hour before the 30-day window so `increase` sees its start. */
const BEGIN = END - 30 * DAY - 3600;
const WINDOW_START = END - 30 * DAY;
/** The quiet service gets no requests (its counters stay flat) in this week. */
const QUIET = { from: WINDOW_START + 10 * DAY, to: WINDOW_START + 17 * DAY };
const RESET_AT = WINDOW_START + 15 * DAY + 1234;
/** One fast-burn alert of the exhausted service, firing 02:00–04:00 on day 20. */
const ALERT = {
  from: WINDOW_START + 20 * DAY + 2 * 3600,
  to: WINDOW_START + 20 * DAY + 4 * 3600,
};
const RATE = 10; // requests/s

/**
 * The burn-down of a steady 0.05 % error rate against 99.9 %: half the
 * budget spent by the window's end, in proportion to the traffic seen by
 * `t` (none during `gap`).
 */
function steadyLine(t: number, gap?: { from: number; to: number }): number {
  const traffic = (until: number) => {
    const elapsed = until - WINDOW_START;
    if (!gap) return elapsed;
    const overlap = Math.max(0, Math.min(until, gap.to) - gap.from);
    return elapsed - overlap;
  };
  return 100 - (50 * traffic(t)) / traffic(END);
}

const SERVICES: Record<string, ServiceHistory> = {
  steady: { errorRatio: () => 0.0005 },
  quiet: {
    errorRatio: t => (t > QUIET.from && t <= QUIET.to ? null : 0.0005),
  },
  reset: { errorRatio: () => 0.0005, resetAt: RESET_AT },
  exhausted: { errorRatio: () => 0.002 },
  // 0.08 % errors until the last week, 0.02 % in it.
  recent: { errorRatio: t => (t > END - 7 * DAY ? 0.0002 : 0.0008) },
  idle: { errorRatio: () => null },
  // 0.5 % of requests slower than 300 ms, for a 99 % < 300ms SLO.
  latency: { errorRatio: () => 0, latency: { le: 0.3, slowShare: 0.005 } },
};

const promtool = requireBinary('promtool');

describeWithBinary('prometheus')(
  'SLO status on a backfilled Prometheus',
  prometheusBinary => {
    let prometheusServer: BackfilledPrometheus | undefined;
    let service: SloStatusService;
    const timings: Record<string, number> = {};

    /** Windows by entity name; parseSpec gives every SLO 30 days, rolling. */
    const windows: Record<string, SloWindow> = {
      'recent-7d': { type: 'rolling', days: 7 },
    };

    beforeAll(async () => {
      if (!promtool) throw new Error('promtool is required next to prometheus');
      prometheusServer = await startBackfilledPrometheus(
        { prometheus: prometheusBinary, promtool },
        {
          begin: BEGIN,
          end: END,
          step: STEP,
          services: SERVICES,
          alerts: [
            {
              labels: {
                alertname: 'SLOErrorBudgetBurn',
                burn_window: 'fast',
                service: 'exhausted',
                severity: 'critical',
                slo: 'availability',
              },
              ...ALERT,
            },
          ],
        },
      );
      Object.assign(timings, prometheusServer.timings);
      const url = prometheusServer.url;

      const logger = mockServices.logger.mock();
      const http = OutboundHttp.create({
        retry: { attempts: 1, initialDelayMs: 10, maxDelayMs: 20 },
        timeoutMs: 20_000,
        openCircuitMs: 1000,
        maxResponseBytes: 50_000_000,
      });
      const prometheus = PrometheusClient.create({
        instance: { name: 'backfilled', url, default: true },
        http,
        rulesTtlMs: 60_000,
      });
      const facts = EntityFactsService.create({
        catalog: catalogServiceMock({ entities: [] }),
        prometheus: [prometheus],
        alertmanagers: [],
        runbooks: RunbookChecker.create({
          http,
          allowedHosts: [],
          timeoutMs: 1000,
        }),
        stormThreshold: 50,
      });
      // The real describe step, with the window `redline.dev/slo-window`
      // will give (parsed by another slice) set on the spec here.
      const entities = {
        generatorConfig: DEFAULT_GENERATOR_CONFIG,
        describe(entity: Entity, options?: { observedBuckets?: string[] }) {
          const description: EntityDescription = describeEntity(
            entity,
            DEFAULT_GENERATOR_CONFIG,
            options,
          );
          const window = windows[entity.metadata.name];
          if (window)
            description.spec.slos = description.spec.slos.map(s => ({
              ...s,
              window,
              windowDays: window.type === 'rolling' ? window.days : 30,
            }));
          return description;
        },
      } as unknown as EntityObservabilityService;
      service = SloStatusService.create({
        entities,
        facts,
        now: () => END * 1000,
      });
      void logger;
    });

    afterAll(async () => {
      // eslint-disable-next-line no-console
      console.log(`backfilled SLO test timings: ${JSON.stringify(timings)}`);
      await prometheusServer?.stop();
    });

    const measured: Record<string, unknown> = {};
    afterAll(() => {
      // eslint-disable-next-line no-console
      console.log(
        `backfilled SLO figures: ${JSON.stringify(measured, null, 1)}`,
      );
    });

    async function statusOf(
      name: string,
      annotations: Record<string, string> = {
        'redline.dev/slo-availability': '99.9',
      },
      serviceName = name,
    ): Promise<EntitySloResponse> {
      const t0 = Date.now();
      const answer = await service.status(
        component(name, {
          'redline.dev/service-name': serviceName,
          ...annotations,
        }),
        {
          credentials: {
            $$type: '@backstage/BackstageCredentials',
            principal: {},
          } as never,
          ctx: backgroundContext(mockServices.logger.mock()),
        },
      );
      timings[`status:${name}`] = Date.now() - t0;
      return answer;
    }

    function only(answer: EntitySloResponse, slo = 'availability'): SloStatus {
      const status = answer.slos.find(s => s.slo === slo);
      if (!status)
        throw new Error(`no ${slo} SLO in ${JSON.stringify(answer)}`);
      return status;
    }

    const figures = (s: SloStatus) => ({
      health: s.health,
      remainingPercent: s.budget.remainingPercent,
      attainmentPercent: s.attainmentPercent,
      totalRequests: s.budget.totalRequests,
      remainingRequests: s.budget.remainingRequests,
      remainingMinutes: s.budget.remainingMinutes,
      burnRate: s.burnRate,
      exhaustedInSeconds: s.exhaustedInSeconds,
      burnDownPoints: s.burnDown.length,
      reason: s.reason,
    });

    it('30 days at 0.05 % errors spend half of a 99.9 % budget', async () => {
      const answer = await statusOf('steady');
      expect(answer.prometheus).toEqual({ status: 'ok' });
      const s = only(answer);
      measured.steady = figures(s);
      expect(s.source).toBe('raw-metrics');
      expect(s.windowStart).toBe(new Date(WINDOW_START * 1000).toISOString());
      expect(s.budget.remainingPercent).toBeGreaterThan(49.5);
      expect(s.budget.remainingPercent).toBeLessThan(50.5);
      expect(s.attainmentPercent).toBeCloseTo(99.95, 3);
      const total = RATE * 30 * DAY;
      expect(s.budget.totalRequests! / total).toBeCloseTo(1, 3);
      // b × total − bad = 0.001 × 25.92 M − 0.0005 × 25.92 M
      expect(s.budget.remainingRequests! / (0.0005 * total)).toBeCloseTo(1, 2);
      // Half of 0.1 % of 30 days: 21.6 minutes.
      expect(s.budget.remainingMinutes).toBeCloseTo(21.6, 1);
      expect(s.burnRate.h1).toBeCloseTo(0.5, 3);
      expect(s.burnRate.h6).toBeCloseTo(0.5, 3);
      expect(s.health).toBe('meeting');
      // Half the budget at half the sustainable rate: one more window.
      expect(s.exhaustedInSeconds! / (30 * DAY)).toBeCloseTo(1, 2);
      // A steady rate burns the budget down in a straight line to 50 %.
      expect(s.burnDown).toHaveLength(200);
      for (const p of s.burnDown) {
        expect(p.remainingPercent).not.toBeNull();
        expect(
          Math.abs(p.remainingPercent! - steadyLine(Date.parse(p.t) / 1000)),
        ).toBeLessThan(0.5);
      }
      expect(s.burnDown.at(-1)!.t).toBe(new Date(END * 1000).toISOString());
      expect(s.firings).toEqual([]);
      expect(
        s.queries.some(q =>
          q.includes(
            'increase(http_requests_total{service="steady"}[2592000s])',
          ),
        ),
      ).toBe(true);
      // The RED signals are 5m rates: with hourly samples there is none.
      expect(answer.red.map(r => [r.signal, r.status, r.threshold])).toEqual([
        ['rate', 'no-data', undefined],
        ['errors', 'no-data', 1],
        ['duration', 'no-data', 0.5],
      ]);
    });

    it('a week without traffic is a gap in the burn-down, not a change in the budget', async () => {
      const s = only(await statusOf('quiet'));
      measured.quiet = figures(s);
      expect(s.budget.remainingPercent).toBeGreaterThan(49.5);
      expect(s.budget.remainingPercent).toBeLessThan(50.5);
      const step = (30 * DAY) / 200;
      const inQuiet: Array<number | null> = [];
      const outside: Array<number | null> = [];
      for (const p of s.burnDown) {
        const t = Date.parse(p.t) / 1000;
        if (t - step >= QUIET.from && t <= QUIET.to)
          inQuiet.push(p.remainingPercent);
        else if (t <= QUIET.from || t - step >= QUIET.to)
          outside.push(p.remainingPercent);
      }
      expect(inQuiet.every(v => v === null)).toBe(true);
      // Flat across the gap: no traffic spends no budget.
      for (const p of s.burnDown) {
        if (p.remainingPercent === null) continue;
        const t = Date.parse(p.t) / 1000;
        expect(
          Math.abs(p.remainingPercent - steadyLine(t, QUIET)),
        ).toBeLessThan(0.5);
      }
      expect(outside.length).toBeGreaterThan(140);
      // 7 days of 3.6-hour steps, less the two straddling the edges.
      const gaps = inQuiet.length;
      expect(gaps).toBeGreaterThanOrEqual(45);
      measured.quietGaps = gaps;
    });

    it('zero traffic over the whole window, or no series at all, is no data with the reason', async () => {
      const idle = only(await statusOf('idle'));
      measured.idle = figures(idle);
      expect(idle).toMatchObject({
        health: 'no-data',
        attainmentPercent: null,
        budget: {
          remainingPercent: null,
          remainingRequests: null,
          totalRequests: 0,
        },
      });
      expect(idle.reason).toMatch(/^No traffic/);
      expect(idle.burnDown.every(p => p.remainingPercent === null)).toBe(true);

      const ghost = only(await statusOf('ghost'));
      measured.ghost = figures(ghost);
      expect(ghost.health).toBe('no-data');
      expect(ghost.reason).toMatch(/^No series/);
      expect(ghost.budget.totalRequests).toBeNull();
    });

    it('a counter reset mid-window is no spike', async () => {
      const s = only(await statusOf('reset'));
      measured.reset = figures(s);
      expect(s.budget.remainingPercent).toBeGreaterThan(49.5);
      expect(s.budget.remainingPercent).toBeLessThan(50.5);
      expect(s.attainmentPercent).toBeCloseTo(99.95, 3);
      // No step spends more than its share: the line never jumps down.
      for (const p of s.burnDown) {
        const t = Date.parse(p.t) / 1000;
        expect(Math.abs(p.remainingPercent! - steadyLine(t))).toBeLessThan(0.5);
      }
    });

    it('a 7-day window gives the 7-day figure', async () => {
      const week = only(await statusOf('recent-7d', undefined, 'recent'));
      const month = only(await statusOf('recent-30d', undefined, 'recent'));
      measured.recent7d = figures(week);
      measured.recent30d = figures(month);
      expect(week.windowLabel).toBe('7 days, rolling');
      expect(week.windowStart).toBe(
        new Date((END - 7 * DAY) * 1000).toISOString(),
      );
      // 0.02 % of a 0.1 % budget: 80 % left.
      expect(week.budget.remainingPercent).toBeGreaterThan(79.5);
      expect(week.budget.remainingPercent).toBeLessThan(80.5);
      expect(week.budget.totalRequests! / (RATE * 7 * DAY)).toBeCloseTo(1, 3);
      // (23 × 0.08 % + 7 × 0.02 %) / 30 = 0.066 %: 34 % left.
      expect(month.budget.remainingPercent).toBeGreaterThan(33.5);
      expect(month.budget.remainingPercent).toBeLessThan(34.5);
      expect(week.burnDown.length).toBeGreaterThan(190);
      expect(week.burnDown.length).toBeLessThanOrEqual(201);
    });

    it('an exhausted budget, and the alert that fired, to the step', async () => {
      const s = only(await statusOf('exhausted'));
      measured.exhausted = figures(s);
      measured.exhaustedFirings = s.firings;
      expect(s.health).toBe('exhausted');
      expect(s.budget.remainingPercent).toBeCloseTo(-100, 0);
      expect(s.budget.remainingRequests).toBeLessThan(0);
      expect(s.exhaustedInSeconds).toBe(0);
      expect(s.burnRate.h1).toBeCloseTo(2, 3);
      expect(s.firings).toHaveLength(1);
      const [firing] = s.firings;
      expect(firing).toMatchObject({
        alert: 'SLOErrorBudgetBurn',
        severity: 'critical',
        burnWindow: 'fast',
      });
      const step = 2640; // 30 days / 1000, in whole minutes
      expect(
        Math.abs(Date.parse(firing.startsAt) / 1000 - ALERT.from),
      ).toBeLessThanOrEqual(step);
      expect(
        Math.abs(Date.parse(firing.endsAt!) / 1000 - ALERT.to),
      ).toBeLessThanOrEqual(step);
    });

    it('a latency SLO counts requests above the threshold bucket', async () => {
      const s = only(
        await statusOf('latency', { 'redline.dev/slo-latency': '99% < 300ms' }),
        'latency',
      );
      measured.latency = figures(s);
      expect(s.thresholdSeconds).toBe(0.3);
      expect(s.budget.remainingPercent).toBeGreaterThan(49.5);
      expect(s.budget.remainingPercent).toBeLessThan(50.5);
      expect(s.attainmentPercent).toBeCloseTo(99.5, 3);
      expect(s.queries.join('\n')).toContain('le=~"0\\\\.30*"');
    });
  },
);
