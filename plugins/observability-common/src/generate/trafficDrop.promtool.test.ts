/**
 * TrafficDrop over weeks of history with the real `promtool test rules`:
 * quiet services stay silent, an outage longer than a week keeps firing,
 * last week's incident does not hide this week's, and a service younger than
 * a week is covered. The rule file is the one users download.
 *
 * promtool evaluates every rule at every step from minute 0, so weeks of
 * history cost evaluation steps, not samples. Samples come every 5m, rules
 * run every 30m, and traffic only changes 5 minutes before an evaluation:
 * that evaluation's 5m window is the first holding only the new traffic, and
 * every window until the next change holds the same (the baseline's offsets
 * are whole days, so its windows move in step), so the coarse grid sees each
 * state a 5m grid would, once instead of six times. Onset to the minute is
 * timed at 1m evaluation in `promtool.test.ts`.
 */
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { generateArtifacts } from './generateArtifacts';
import { downloadedFile } from './__promtool__/downloadedFile';
import { testRules, type RuleTestGroup } from './__promtool__/runPromtool';
import { counter, expectedAlert } from './__promtool__/ruleTestKit';
import { makeBareSpec } from './__testUtils__/makeSpec';

const DAY = 24 * 60;
const WEEK = 7 * DAY;
const m = (minutes: number) => `${minutes}m`;

/** Minutes between rule evaluations. */
const EVAL = 30;
/** Minute of the first change; every later one is a whole number of evaluations after it. */
const LEAD = EVAL - 5;
/** A drop is first seen 5 minutes after it, where TrafficDrop turns pending… */
const SEEN = 5;
/** …and fires one evaluation later, `for: 10m` fitting in one interval. */
const FIRES = SEEN + EVAL;

const artifacts = generateArtifacts(makeBareSpec(), DEFAULT_GENERATOR_CONFIG);
const yaml = downloadedFile(artifacts, 'prometheus-rules');
const traffic = artifacts.alerts.find(a => a.key === 'TrafficDrop')!;
const series = 'http_requests_total{service="checkout",status="200"}';
const baseline = 'service:http_requests:rate5m_baseline';

/** 1 request/s, far above the minimum baseline. */
const BUSY = 60;

/**
 * A counter sampled every 5 minutes from `[requests per minute, minutes]`
 * segments; weeks of history stay a few thousand samples. Refuses a change
 * off the grid the header describes, which the timings rely on.
 */
function every5m(...segments: Array<[number, number]>): string {
  let changeAt = 0;
  for (const [, minutes] of segments.slice(0, -1)) {
    changeAt += minutes;
    if (changeAt % EVAL !== LEAD)
      throw new Error(`traffic changes at minute ${changeAt}, off the grid`);
  }
  return counter(
    ...segments.map(([perMinute, minutes]): [number, number] => [
      perMinute * 5,
      minutes / 5,
    ]),
  );
}

/** An evaluation time; refuses one between evaluations, where nothing is computed. */
function evaluated(minute: number): string {
  if (minute % EVAL !== 0)
    throw new Error(`minute ${minute} falls between evaluations`);
  return m(minute);
}

const firing = [expectedAlert(traffic, 0)];
const at = (minute: number, exp_alerts = firing) => ({
  eval_time: evaluated(minute),
  alertname: 'TrafficDrop',
  exp_alerts,
});
const silentAt = (minute: number) => at(minute, []);
/** The baseline in requests per minute, rounded so float noise cannot fail the test. */
const baselineAt = (minute: number, perMinute: number) => ({
  expr: `round(${baseline} * 60, 0.001)`,
  eval_time: evaluated(minute),
  exp_samples: [{ labels: '{service="checkout"}', value: perMinute }],
});

// 0.2 requests/min, so most 5m windows hold one request or none, with an
// hour's gap: the ratio is 0, but the baseline is below the minimum, so
// nothing fires (without the guard it would at gapAt + FIRES).
const gapAt = LEAD + WEEK;
const quiet: RuleTestGroup = {
  name: 'minimum-traffic guard',
  interval: '5m',
  input_series: [{ series, values: every5m([0.2, gapAt], [0, 60], [0.2, 60]) }],
  alert_rule_test: [SEEN, FIRES, SEEN + 60].map(k => silentAt(gapAt + k)),
  promql_expr_test: [baselineAt(gapAt + FIRES, 0.2)],
};

// Traffic stops for more than a week after two weeks of history.
const outageAt = LEAD + 2 * WEEK;
const longOutage: RuleTestGroup = {
  name: 'outage longer than a week',
  interval: '5m',
  input_series: [
    { series, values: every5m([BUSY, outageAt], [0, WEEK + 2 * 60]) },
  ],
  alert_rule_test: [
    silentAt(outageAt + SEEN),
    at(outageAt + FIRES),
    // From here last week's window is the outage itself.
    at(outageAt + WEEK + SEEN),
    at(outageAt + WEEK + SEEN + 60),
  ],
  // Two and three weeks ago had traffic, so the median has not adopted the outage.
  promql_expr_test: [
    baselineAt(outageAt + WEEK + SEEN, BUSY),
    baselineAt(outageAt + WEEK + SEEN + 60, BUSY),
  ],
};

// Last week had a two-hour outage at the same time; this week's starts at
// the same minute and must still fire.
const incidentAt = LEAD + 3 * WEEK;
const noisyBaseline: RuleTestGroup = {
  name: 'last week had an outage at the same time',
  interval: '5m',
  input_series: [
    {
      series,
      values: every5m(
        [BUSY, incidentAt - WEEK],
        [0, 120],
        [BUSY, WEEK - 120],
        [0, 120],
      ),
    },
  ],
  alert_rule_test: [
    silentAt(incidentAt + SEEN),
    at(incidentAt + FIRES),
    at(incidentAt + SEEN + 60),
  ],
  // The median of {0, 1, 1} requests/s: last week's outage is ignored.
  promql_expr_test: [baselineAt(incidentAt + SEEN, BUSY)],
};

// No weekly history yet: the same time on the previous days is the baseline.
const flatAt = LEAD + 3 * DAY;
const young: RuleTestGroup = {
  name: 'service three days old',
  interval: '5m',
  input_series: [{ series, values: every5m([BUSY, flatAt], [0, 7 * 60]) }],
  alert_rule_test: [
    silentAt(flatAt + SEEN),
    at(flatAt + FIRES),
    at(flatAt + SEEN + 6 * 60),
  ],
  promql_expr_test: [baselineAt(flatAt + FIRES, BUSY)],
};

describeWithBinary('promtool')(
  'TrafficDrop over weeks of history',
  promtool => {
    jest.setTimeout(120_000);

    it('stays silent for quiet traffic and fires for long outages, repeated incidents and young services', () => {
      // FIRES holds while the hold fits in one evaluation interval.
      const forMinutes = Number(/^(\d+)m$/.exec(traffic.for ?? '')?.[1]);
      expect(forMinutes).toBeGreaterThan(0);
      expect(forMinutes).toBeLessThanOrEqual(EVAL);
      // One promtool run for every scenario: each group still starts from an empty TSDB.
      const result = testRules(
        promtool,
        yaml,
        [quiet, longOutage, noisyBaseline, young],
        m(EVAL),
      );
      expect(result.ok ? '' : result.output).toBe('');
    });
  },
);
