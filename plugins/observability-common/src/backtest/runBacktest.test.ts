import type { PromSeries } from '../slo/status';
import { planBacktest, PRESENCE_LABEL } from './plan';
import { runBacktest, type BacktestQueryApi } from './runBacktest';

const NOW = 1_800_000_000;
const plan = planBacktest(
  {
    entityRef: 'component:default/a',
    rules: {
      groups: [
        {
          name: 'a',
          rules: [
            {
              alert: 'Errors',
              expr: 'rate(errors_total{service="a"}[5m]) > 1',
              for: '5m',
              labels: {},
              annotations: {},
            },
            {
              alert: 'Slow',
              expr: 'latency_seconds{service="a"} > 1',
              labels: {},
              annotations: {},
            },
          ],
        },
      ],
    },
    alerts: [
      {
        name: 'Errors',
        key: 'Errors',
        severity: 'warning',
        for: '5m',
        expr: 'rate(errors_total{service="a"}[5m]) > 1',
        labels: { service: 'a', severity: 'warning' },
        annotations: {},
        runbookUrl: '',
        runbookPath: '',
      },
      {
        name: 'Slow',
        key: 'Slow',
        severity: 'warning',
        expr: 'latency_seconds{service="a"} > 1',
        labels: { service: 'a', severity: 'warning' },
        annotations: {},
        runbookUrl: '',
        runbookPath: '',
      },
    ],
  },
  { days: 1, nowSeconds: NOW },
);

const minutes = (from: number, count: number) =>
  Array.from({ length: count }, (_, i): [number, number] => [
    plan.start + (from + i) * 60,
    2,
  ]);

function fakeApi(answers: Record<string, PromSeries[]>): BacktestQueryApi & {
  calls: string[];
} {
  const calls: string[] = [];
  return {
    calls,
    async query(promql) {
      calls.push(promql);
      // Only the errors selector has data.
      return [{ labels: { [PRESENCE_LABEL]: '0' }, value: 1 }];
    },
    async queryRange(promql) {
      calls.push(promql);
      const answer = answers[promql];
      if (!answer) throw new Error(`unexpected query ${promql}`);
      return answer;
    },
  };
}

describe('runBacktest', () => {
  it('reports episodes honouring `for`, series that do not exist, and what ALERTS saw', async () => {
    const api = fakeApi({
      [plan.alerts[0].query]: [
        {
          labels: { service: 'a' },
          points: [...minutes(100, 20), ...minutes(400, 3)],
        },
      ],
      [plan.alertsQuery]: [
        {
          labels: {
            alertname: 'Errors',
            service: 'a',
            severity: 'warning',
            alertstate: 'firing',
          },
          points: minutes(105, 15),
        },
      ],
    });
    const report = await runBacktest(plan, api);
    const [errors, slow] = report.alerts;
    expect(errors).toMatchObject({
      status: 'evaluated',
      fired: 1,
      firingMinutes: 15,
      longestMinutes: 15,
      actual: { fired: 1, firingMinutes: 15 },
    });
    expect(errors.episodes[0].start).toBe(plan.start + 105 * 60);
    expect(errors.sparkline.reduce((s, [, m]) => s + m, 0)).toBeCloseTo(15);
    expect(slow).toMatchObject({
      status: 'no-series',
      fired: 0,
      missingSelectors: ['latency_seconds{service="a"}'],
    });
    expect(slow.reason).toContain('no samples in the last 1 days');
    // presence + ALERTS + one range query: the missing alert costs nothing.
    expect(report.queries).toBe(3);
    expect(api.calls).toHaveLength(3);
  });

  it('keeps going when a query fails, saying which and why', async () => {
    const report = await runBacktest(plan, fakeApi({}));
    expect(report.alerts[0]).toMatchObject({ status: 'error', fired: 0 });
    expect(report.alerts[0].reason).toContain('unexpected query');
    expect(report.actualError).toContain('unexpected query');
    expect(report.alerts[0].actual).toBeUndefined();
  });
});
