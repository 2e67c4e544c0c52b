/**
 * SLO windows of 7 days, 28 days and a calendar month under the real
 * `promtool test rules`, on the rule files users download (one per service,
 * all loaded together, so one promtool run covers every window):
 *
 * - the fast-burn page starts when a constant error ratio has filled enough
 *   of the 1h window to exceed the window's own factor (Sloth's scaling), to
 *   the minute;
 * - `SLOErrorBudgetExhausted` fires once the window's errors reach its
 *   budget, not an evaluation earlier, with the window's full length of
 *   clean history behind it, so the denominator is the whole window.
 *
 * Two runs, because promtool evaluates a whole file at one interval: every
 * minute for the page, every 2 hours for a month of history (as in
 * `trafficDrop.promtool.test.ts`: traffic changes 5 minutes before an
 * evaluation, so every evaluation's 5m ratio holds one phase only; the
 * period ratio then averages one 5m sample per step, which is what Sloth's
 * approximation averages too, only sparser). Onsets measured and expected
 * are printed.
 */
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import type { SloWindow } from '../spec/types';
import { escapePromLabelValue } from './escape';
import { generateArtifacts } from './generateArtifacts';
import { BURN_TIERS, burnFactor, EXHAUSTED_FOR } from './sloRules';
import type { GeneratedAlert } from './types';
import { toYaml } from './yamlWriter';
import { downloadedFile } from './__promtool__/downloadedFile';
import {
  withTempDir,
  type ExpectedAlert,
  type RuleTestGroup,
  type TestSeries,
} from './__promtool__/runPromtool';
import { counter, expectedAlert } from './__promtool__/ruleTestKit';
import { makeSpec } from './__testUtils__/makeSpec';

const DAY = 24 * 60;
const BUDGET = 0.001; // 99.9 %
const m = (minutes: number) => `${minutes}m`;

interface Service {
  name: string;
  window: SloWindow;
  days: number;
}

const SERVICES: Service[] = [
  { name: 'w7', window: { type: 'rolling', days: 7 }, days: 7 },
  { name: 'w28', window: { type: 'rolling', days: 28 }, days: 28 },
  { name: 'wmonth', window: { type: 'calendar', period: 'month' }, days: 30 },
];

const generated = SERVICES.map(s => {
  const artifacts = generateArtifacts(
    makeSpec({
      name: s.name,
      slos: [
        {
          slo: 'availability',
          objectivePercent: 99.9,
          windowDays: s.days,
          window: s.window,
          annotation: 'redline.dev/slo-availability',
        },
      ],
    }),
    DEFAULT_GENERATOR_CONFIG,
  );
  const alert = (key: string): GeneratedAlert =>
    artifacts.alerts.find(a => a.key === key)!;
  return {
    ...s,
    yaml: downloadedFile(artifacts, 'prometheus-rules'),
    fast: alert('SLOErrorBudgetBurn:availability:fast'),
    exhausted: alert('SLOErrorBudgetExhausted:availability'),
  };
});

function sel(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${escapePromLabelValue(v)}"`)
    .join(',')}}`;
}

/** Good and bad request counters of one service from `[requests/min, error ratio, minutes]` phases. */
function traffic(
  service: string,
  phases: Array<[number, number, number]>,
  sampleMinutes: number,
): TestSeries[] {
  const per = (ratio: (r: number) => number) =>
    counter(
      ...phases.map(([perMinute, r, minutes]): [number, number] => [
        perMinute * ratio(r) * sampleMinutes,
        minutes / sampleMinutes,
      ]),
    );
  return [
    {
      series: `http_requests_total${sel({ service, status: '200' })}`,
      values: per(r => 1 - r),
    },
    {
      series: `http_requests_total${sel({ service, status: '500' })}`,
      values: per(r => r),
    },
  ];
}

/** `promtool test rules` over several rule files at once. */
function testRuleFiles(
  promtool: string,
  files: Record<string, string>,
  tests: RuleTestGroup[],
  evaluationInterval: string,
): { ok: boolean; output: string } {
  return withTempDir(dir => {
    for (const [name, content] of Object.entries(files))
      writeFileSync(join(dir, name), content, 'utf8');
    writeFileSync(
      join(dir, 'test.yaml'),
      toYaml({
        rule_files: Object.keys(files),
        evaluation_interval: evaluationInterval,
        tests,
      }),
      'utf8',
    );
    const res = spawnSync(promtool, ['test', 'rules', 'test.yaml'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return {
      ok: res.status === 0,
      output: `${res.stdout ?? ''}${res.stderr ?? ''}${
        res.error ? String(res.error) : ''
      }`,
    };
  });
}

const files = Object.fromEntries(
  generated.map(g => [`${g.name}.yaml`, g.yaml]),
);
const onsets: Array<Record<string, string | number>> = [];

// --- (a) fast burn: an hour of clean traffic, then a constant error ratio.

/** 1.1 × the 30-day fast factor: pages every window, each after its own delay. */
const BURN_RATIO = 1.1 * 14.4 * BUDGET;
const CLEAN = 60;
const PER_MINUTE = 1_000_000;
const fastTier = BURN_TIERS.find(t => t.burnWindow === 'fast')!;
const fastTiming = generated.map(g => {
  const factor = burnFactor(fastTier, g.days);
  const over = BURN_RATIO / (factor * BUDGET);
  // The ratio over a window of w minutes, k minutes into the burn (k < w),
  // is BURN_RATIO × k / w: it exceeds the factor once k > w / over, for the
  // long (1h) and the short (5m) window alike; there is no `for`.
  const theory = Math.max(60 / over, 5 / over);
  return { ...g, factor, theory, onset: Math.floor(theory) + 1 };
});
const lastFast = Math.max(...fastTiming.map(f => f.onset));

function fastFiringAt(minute: number) {
  return fastTiming
    .filter(f => CLEAN + f.onset <= minute)
    .map(f => ({
      labels: `ALERTS${sel({
        alertname: 'SLOErrorBudgetBurn',
        alertstate: 'firing',
        ...f.fast.labels,
        service: f.name,
        slo: 'availability',
      })}`,
      value: 1,
    }));
}

const fastBurn: RuleTestGroup = {
  name: 'fast burn onset per window',
  interval: '1m',
  input_series: generated.flatMap(g =>
    traffic(
      g.name,
      [
        [PER_MINUTE, 0, CLEAN],
        [PER_MINUTE, BURN_RATIO, lastFast + 5],
      ],
      1,
    ),
  ),
  // Only the fast tier: with an hour of history the 6h…3d windows hold
  // partial data, which is not what this measures.
  promql_expr_test: fastTiming.flatMap(f =>
    [f.onset - 1, f.onset].map(k => ({
      expr: 'ALERTS{alertname="SLOErrorBudgetBurn",burn_window="fast",alertstate="firing"}',
      eval_time: m(CLEAN + k),
      exp_samples: fastFiringAt(CLEAN + k),
    })),
  ),
};

// --- (b) exhausted budget: a full clean window, then errors at 10 × budget.

/** Minutes between evaluations: a month of history in a few hundred steps. */
const EVAL = 120;
const ERROR_RATIO = 10 * BUDGET;
const forMinutes = Number(/^(\d+)m$/.exec(EXHAUSTED_FOR)![1]);
const exhaustedTiming = generated.map(g => {
  // The first evaluation whose 5m ratio holds errors: one window after the
  // start, errors beginning 5 minutes before it.
  const firstError = g.days * DAY;
  // Samples of the recorded 5m ratio in the window, both ends included
  // (Prometheus 2); the one at minute 0 never exists (a rate needs two samples).
  const samples = (g.days * DAY) / EVAL + 1;
  // Pending at the first evaluation where errors fill a tenth of the samples,
  // firing one evaluation later (`for` is shorter than an evaluation step).
  const pendingAt = firstError + (Math.ceil(samples / 10) - 1) * EVAL;
  return {
    ...g,
    firstError,
    samples,
    pendingAt,
    firingAt: pendingAt + EVAL,
    // Continuous time: errors fill budget / ratio of the window, then `for`.
    theory: (g.days * DAY * BUDGET) / ERROR_RATIO + forMinutes,
  };
});
const lastExhausted = Math.max(...exhaustedTiming.map(e => e.firingAt));

function exhaustedFiringAt(minute: number): ExpectedAlert[] {
  return exhaustedTiming
    .filter(e => e.firingAt <= minute)
    .map(e => {
      const errorSamples = Math.min(
        (minute - e.firstError) / EVAL + 1,
        e.samples,
      );
      return expectedAlert(
        e.exhausted,
        (errorSamples * ERROR_RATIO) / e.samples,
        { service: e.name, slo: 'availability' },
      );
    });
}

const exhaustedBudget: RuleTestGroup = {
  name: 'budget exhausted per window',
  interval: '5m',
  input_series: exhaustedTiming.flatMap(e =>
    traffic(
      e.name,
      [
        [60, 0, e.firstError - 5],
        [60, ERROR_RATIO, lastExhausted - e.firstError + 5 + EVAL],
      ],
      5,
    ),
  ),
  alert_rule_test: exhaustedTiming.flatMap(e =>
    [e.pendingAt - EVAL, e.pendingAt, e.firingAt].map(minute => ({
      eval_time: m(minute),
      alertname: 'SLOErrorBudgetExhausted',
      exp_alerts: exhaustedFiringAt(minute),
    })),
  ),
};

describeWithBinary('promtool')(
  'SLO windows of 7 days, 28 days and a calendar month',
  promtool => {
    jest.setTimeout(120_000);

    afterAll(() => {
      // eslint-disable-next-line no-console
      console.log(
        `Onsets measured with promtool (minutes after the errors start):\n${onsets
          .map(o => JSON.stringify(o))
          .join('\n')}`,
      );
    });

    it('pages fast-burn at each window’s own factor, to the minute', () => {
      for (const f of fastTiming) {
        // Away from a whole minute, so float noise cannot move the onset.
        expect(f.theory % 1).toBeGreaterThan(0.05);
        expect(f.theory % 1).toBeLessThan(0.95);
      }
      const result = testRuleFiles(promtool, files, [fastBurn], '1m');
      expect(result.ok ? '' : result.output).toBe('');
      for (const f of fastTiming)
        onsets.push({
          alert: 'SLOErrorBudgetBurn fast',
          window: f.name,
          factor: f.factor,
          theory: Number(f.theory.toFixed(2)),
          measured: f.onset,
          silentAt: f.onset - 1,
        });
    });

    it('tickets an exhausted budget once the window’s errors reach it, not an evaluation earlier', () => {
      const result = testRuleFiles(promtool, files, [exhaustedBudget], m(EVAL));
      expect(result.ok ? '' : result.output).toBe('');
      for (const e of exhaustedTiming)
        onsets.push({
          alert: 'SLOErrorBudgetExhausted',
          window: e.name,
          theory: e.theory,
          measured: e.firingAt - (e.firstError - 5),
          silentAt: e.pendingAt - (e.firstError - 5),
        });
    });
  },
);
