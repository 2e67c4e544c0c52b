/**
 * The backtest's done-when: a real Prometheus on a backfilled week with
 * known incidents (three 20-minute error bursts at 5 %, one 30-minute
 * latency spike) reports exactly the episodes each generated alert's
 * expression and `for` imply, nothing for a clean week, "no series" for a
 * service without metrics; and `promtool test rules`, fed the same samples
 * and the same expressions, fires the same alerts at the same minutes.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_GENERATOR_CONFIG,
  describeEntity,
  planBacktest,
  type BacktestReport,
} from '@redline/backstage-plugin-observability-common';
import { stringify } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import {
  describeWithBinary,
  requireBinary,
} from '../../../test/support/binaries';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- as above
import type { BackfilledPrometheus } from '../../../test/support/backfilledPrometheus';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- as above
import {
  sampleIncidentHistory,
  startIncidentPrometheus,
  type IncidentHistoryOptions,
} from '../../../test/support/incidentHistory';
import { component } from './__testUtils__/entities';
import { BacktestService } from './services/BacktestService';
import { EntityFactsService } from './services/EntityFactsService';
import type { EntityObservabilityService } from './services/EntityObservabilityService';
import { OutboundHttp } from './services/OutboundHttp';
import { PrometheusClient } from './services/PrometheusClient';
import { RunbookChecker } from './services/RunbookChecker';
import { backgroundContext } from './telemetry/context';

// promtool evaluates every compared rule at every minute of the week
// (about 70,000 queries): 246 s were measured on 2 shared cores at load 20.
jest.setTimeout(600_000);

const run = promisify(execFile);
const MINUTE = 60;
const DAY = 86_400;
const END = Date.UTC(2026, 9, 8) / 1000;
const WINDOW_START = END - 7 * DAY;
/** An hour before the window, so its first 5-minute rates have samples. */
const BEGIN = WINDOW_START - 3600;
const BURSTS = [
  WINDOW_START + 1 * DAY + 10 * 3600,
  WINDOW_START + 3 * DAY + 14 * 3600,
  WINDOW_START + 5 * DAY + 2 * 3600,
].map(from => ({ from, minutes: 20, ratio: 0.05 }));
const SPIKE = {
  from: WINDOW_START + 4 * DAY + 9 * 3600,
  minutes: 30,
  slowShare: 0.05,
};
/**
 * What the deployed HighErrorRate recorded in `ALERTS` for the first
 * burst: firing from the burst's first errors plus its `for`, until the
 * last 5-minute window holding an error.
 */
const RECORDED = {
  from: BURSTS[0].from + MINUTE + 5 * MINUTE,
  to: BURSTS[0].from + 24 * MINUTE,
};

const ANNOTATIONS = {
  'redline.dev/slo-availability': '99.9',
  'redline.dev/error-rate-threshold': '0.5',
  'redline.dev/latency-p99-threshold': '400ms',
  'redline.dev/rate-drop-threshold': '40',
};
const entityOf = (service: string): Entity =>
  component(service, { 'redline.dev/service-name': service, ...ANNOTATIONS });

const HISTORY: IncidentHistoryOptions = {
  begin: BEGIN,
  end: END,
  step: MINUTE,
  services: {
    checkout: { errorBursts: BURSTS, latencySpikes: [SPIKE] },
    clean: {},
  },
  alerts: [
    {
      labels: {
        alertname: 'HighErrorRate',
        service: 'checkout',
        severity: 'warning',
        team: 'payments',
      },
      ...RECORDED,
    },
  ],
};

const promtool = requireBinary('promtool');

describeWithBinary('prometheus')(
  'backtest on a backfilled week with known incidents',
  prometheusBinary => {
    let server: BackfilledPrometheus | undefined;
    let service: BacktestService;
    const reports: Record<string, BacktestReport> = {};
    const figures: Record<string, unknown> = {};

    beforeAll(async () => {
      if (!promtool) throw new Error('promtool is required next to prometheus');
      server = await startIncidentPrometheus(
        { prometheus: prometheusBinary, promtool },
        HISTORY,
      );
      figures.setup = server.timings;
      const http = OutboundHttp.create({
        retry: { attempts: 1, initialDelayMs: 10, maxDelayMs: 20 },
        timeoutMs: 60_000,
        openCircuitMs: 1000,
        maxResponseBytes: 50_000_000,
      });
      const prometheus = PrometheusClient.create({
        instance: { name: 'backfilled', url: server.url, default: true },
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
      const entities = {
        generatorConfig: DEFAULT_GENERATOR_CONFIG,
        describe: (entity: Entity, options?: { observedBuckets?: string[] }) =>
          describeEntity(entity, DEFAULT_GENERATOR_CONFIG, options),
      } as unknown as EntityObservabilityService;
      service = BacktestService.create({
        entities,
        facts,
        now: () => END * 1000,
      });
      for (const name of ['checkout', 'clean', 'ghost']) {
        const t0 = Date.now();
        reports[name] = await service.backtest(entityOf(name), {
          days: 7,
          credentials: {
            $$type: '@backstage/BackstageCredentials',
            principal: {},
          } as never,
          ctx: backgroundContext(mockServices.logger.mock()),
        });
        figures[`${name}Ms`] = Date.now() - t0;
      }
    });

    afterAll(async () => {
      // eslint-disable-next-line no-console
      console.log(`backtest figures: ${JSON.stringify(figures)}`);
      await server?.stop();
    });

    const alertOf = (name: string, key: string) => {
      const alert = reports[name].alerts.find(a => a.key === key);
      if (!alert) throw new Error(`${name} has no alert ${key}`);
      return alert;
    };

    it('finds each error burst once, from its first scrape plus `for` until its last error leaves the 5-minute window', () => {
      const report = reports.checkout;
      expect(report).toMatchObject({
        start: WINDOW_START,
        end: END,
        stepSeconds: 60,
      });
      const errors = alertOf('checkout', 'HighErrorRate');
      expect(errors.status).toBe('evaluated');
      expect(errors.fired).toBe(3);
      // One erroring minute in the 5-minute window is 1 % > 0.5 %: true from
      // the burst's first scrape (+1m) to 4 minutes after its last (+24m);
      // firing after `for` (+6m), resolved at +25m.
      errors.episodes.forEach((episode, i) => {
        expect(episode.start).toBe(BURSTS[i].from + 6 * MINUTE);
        expect(episode.end).toBe(BURSTS[i].from + 25 * MINUTE);
        expect(episode.minutes).toBe(19);
        expect(episode.labels).toEqual({ service: 'checkout' });
      });
      expect(errors.firingMinutes).toBe(57);
      expect(errors.longestMinutes).toBe(19);
      expect(errors.sparkline.reduce((sum, [, m]) => sum + m, 0)).toBeCloseTo(
        57,
      );
    });

    it('finds the latency spike once and nothing else above the P99 threshold', () => {
      const latency = alertOf('checkout', 'HighLatencyP99');
      expect(latency.status).toBe('evaluated');
      expect(latency.fired).toBe(1);
      // P99 leaves the fast bucket only when more than 1 % of the window's
      // requests are slow: two slow minutes of five, from +2m to +33m;
      // firing after `for` (+7m), resolved at +34m.
      expect(latency.episodes[0]).toMatchObject({
        start: SPIKE.from + 7 * MINUTE,
        end: SPIKE.from + 34 * MINUTE,
        minutes: 27,
      });
    });

    it('agrees with what ALERTS recorded for the deployed alert', () => {
      const errors = alertOf('checkout', 'HighErrorRate');
      expect(errors.actual?.fired).toBe(1);
      const [recorded] = errors.actual!.episodes;
      expect(recorded.start).toBe(RECORDED.from);
      expect(recorded.start).toBe(errors.episodes[0].start);
      // Prometheus 2.42's ranges include their left end, so the last
      // ALERTS sample is still seen one step later: within one step.
      expect(
        Math.abs(recorded.minutes - errors.episodes[0].minutes),
      ).toBeLessThanOrEqual(1);
      // Alerts never deployed left nothing in ALERTS.
      expect(alertOf('checkout', 'HighLatencyP99').actual?.fired).toBe(0);
    });

    it('reports zero for every alert of a clean week, and no series for a service without metrics', () => {
      for (const alert of reports.clean.alerts.filter(
        a => a.status !== 'unsupported',
      )) {
        expect([alert.key, alert.status, alert.fired]).toEqual([
          alert.key,
          'evaluated',
          0,
        ]);
      }
      for (const alert of reports.ghost.alerts.filter(
        a => a.status !== 'unsupported',
      )) {
        expect([alert.key, alert.status]).toEqual([alert.key, 'no-series']);
        expect(alert.missingSelectors?.join()).toContain('service="ghost"');
      }
      // Costs: one range query per alert with series, the presence and ALERTS queries.
      expect(reports.checkout.queries).toBe(
        reports.checkout.alerts.filter(a => a.status === 'evaluated').length +
          2,
      );
      expect(reports.ghost.queries).toBe(2);
      figures.checkout = reports.checkout.alerts.map(a => ({
        key: a.key,
        fired: a.fired,
        minutes: a.firingMinutes,
      }));
    });

    it('fires the same alerts at the same minutes as `promtool test rules` on the same samples', async () => {
      const report = reports.checkout;
      const plan = planBacktest(
        describeEntity(entityOf('checkout'), DEFAULT_GENERATOR_CONFIG)
          .artifacts,
        { days: 7, nowSeconds: END },
      );
      expect(plan.alerts.map(a => a.query)).toEqual(
        report.alerts.map(a => a.query),
      );
      // Ranges of days are left to the backtest alone: promtool refuses the
      // 30-day subquery (its 50M-sample limit) and spends minutes on the 1d
      // and 3d burn windows at every minute of the week; none of them can
      // fire on three 20-minute bursts, and the backtest says so above.
      const compared = plan.alerts.filter(a => !/\[\d+d[:\]]/.test(a.query));
      const comparedKeys = new Set(compared.map(a => a.key));
      expect(compared.map(a => a.key)).toEqual(
        expect.arrayContaining([
          'HighErrorRate',
          'HighLatencyP99',
          'TrafficDrop',
          'SLOErrorBudgetBurn:availability:fast',
          'SLOErrorBudgetBurn:availability:medium',
        ]),
      );
      const rules = {
        groups: [
          {
            name: 'backtest',
            interval: '1m',
            // Annotations left out: promtool would compare their text, and
            // they play no part in when an alert fires.
            rules: compared.map(a => ({
              alert: a.name,
              expr: a.query,
              ...(a.for ? { for: a.for } : {}),
              labels: a.labels,
            })),
          },
        ],
      };
      // Minutes since BEGIN, promtool's time zero, at every edge of every
      // episode and in the middle of every incident.
      const checkpoints = new Set<number>();
      const reported = report.alerts.filter(a => comparedKeys.has(a.key));
      for (const alert of reported)
        for (const e of alert.episodes)
          [e.start - MINUTE, e.start, e.end - MINUTE, e.end].forEach(t =>
            checkpoints.add(t),
          );
      for (const i of [...BURSTS, SPIKE])
        checkpoints.add(i.from + (i.minutes / 2) * MINUTE);
      const names = [...new Set(reported.map(a => a.name))];
      const alertRuleTests = [...checkpoints]
        .filter(t => t >= WINDOW_START && t <= END)
        .sort((a, b) => a - b)
        .flatMap(t =>
          names.map(name => ({
            eval_time: `${(t - BEGIN) / MINUTE}m`,
            alertname: name,
            exp_alerts: reported
              .filter(a => a.name === name)
              .flatMap(a =>
                a.episodes
                  .filter(e => e.start <= t && t < e.end)
                  .map(e => ({ exp_labels: { ...e.labels, ...a.labels } })),
              ),
          })),
        );
      const inputSeries = sampleIncidentHistory(HISTORY)
        .filter(s => s.series.includes('service="checkout"'))
        .map(s => ({ series: s.series, values: s.values.join(' ') }));
      const directory = await fs.mkdtemp(
        path.join(os.tmpdir(), 'redline-backtest-promtool-'),
      );
      try {
        await fs.writeFile(
          path.join(directory, 'rules.yaml'),
          stringify(rules),
        );
        await fs.writeFile(
          path.join(directory, 'test.yaml'),
          stringify({
            rule_files: ['rules.yaml'],
            evaluation_interval: '1m',
            tests: [
              {
                interval: '1m',
                input_series: inputSeries,
                alert_rule_test: alertRuleTests,
              },
            ],
          }),
        );
        const t0 = Date.now();
        const result = await run(
          promtool!,
          ['test', 'rules', path.join(directory, 'test.yaml')],
          { maxBuffer: 50_000_000 },
        ).then(
          r => ({ code: 0, output: r.stdout + r.stderr }),
          (e: { code?: number; stdout?: string; stderr?: string }) => ({
            code: e.code ?? 1,
            output: `${e.stdout ?? ''}${e.stderr ?? ''}`,
          }),
        );
        figures.promtoolMs = Date.now() - t0;
        figures.promtoolChecks = alertRuleTests.length;
        expect(result.output.slice(0, 4000)).toContain('SUCCESS');
        expect(result.code).toBe(0);
        // The comparison covers firing moments, not only quiet ones.
        expect(
          alertRuleTests.filter(t => t.exp_alerts.length > 0).length,
        ).toBeGreaterThanOrEqual(reported.flatMap(a => a.episodes).length);
      } finally {
        await fs.rm(directory, { recursive: true, force: true });
      }
    });
  },
);
