/**
 * Off-bucket latency SLOs under the real promtool: every case's rule file
 * loads, and a Prometheus 2 `le="0.30"` bucket is counted where the SLO is
 * measured. The artifacts' agreement is in ./sloRules.test.ts.
 */
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { describeEntity } from '../describe/describeEntity';
import { downloadedFile } from './__promtool__/downloadedFile';
import {
  checkRules,
  testRules,
  type RuleTestGroup,
} from './__promtool__/runPromtool';
import { counter, expectedAlert } from './__promtool__/ruleTestKit';
import {
  CASES,
  config,
  describeCase,
  entity,
} from './__testUtils__/latencySloCases';

describeWithBinary('promtool')(
  'off-bucket latency SLOs under promtool',
  promtool => {
    jest.setTimeout(240_000);

    it('pass `promtool check rules` in every case', () => {
      const files = Object.fromEntries(
        CASES.map((c, i) => [
          `case-${i}.yaml`,
          downloadedFile(describeCase(c).artifacts, 'prometheus-rules'),
        ]),
      );
      const result = checkRules(promtool, files);
      expect(result.ok ? '' : result.output).toBe('');
    });

    it('counts a Prometheus 2 le="0.30" bucket, and requests between it and the declared 400ms as slow', () => {
      const { artifacts } = describeEntity(entity('99% < 400ms'), config, {
        observedBuckets: ['0.1', '0.30', '0.5', '+Inf'],
      });
      const yaml = downloadedFile(artifacts, 'prometheus-rules');
      const burn = (tier: string) => {
        const found = artifacts.alerts.find(
          a => a.key === `SLOErrorBudgetBurn:latency:${tier}`,
        );
        if (!found) throw new Error(`no ${tier} latency burn alert`);
        return found;
      };
      const h = 'http_request_duration_seconds';
      const svc = 'service="checkout"';
      const sloLabels = { service: 'checkout', slo: 'latency' };
      // Three days and an hour of history fill every burn window. Until T each
      // request takes 200ms; from T each takes 350ms: within the declared
      // 400ms, but above the 0.3 bucket the SLO is measured at.
      const T = 3 * 24 * 60 + 60;
      const fastUntilT = counter([60, T], [0, 60]);
      const always = counter([60, T + 60]);
      const windows: Record<string, number> = {
        fast: 60,
        medium: 360,
        slow: 1440,
        long: 4320,
      };
      const fired = (k: number, ...tiers: string[]) => ({
        eval_time: `${T + k}m`,
        alertname: 'SLOErrorBudgetBurn',
        exp_alerts: tiers.map(tier =>
          expectedAlert(burn(tier), k / windows[tier], sloLabels),
        ),
      });
      const sli = (minute: number, value: number) => ({
        expr: 'slo:sli_error:ratio_rate5m{slo="latency"}',
        eval_time: `${minute}m`,
        exp_samples: [
          {
            labels: `slo:sli_error:ratio_rate5m{service="checkout",slo="latency"}`,
            value,
          },
        ],
      });
      const test: RuleTestGroup = {
        interval: '1m',
        input_series: [
          {
            series: `${h}_bucket{${svc},le="0.1"}`,
            values: counter([0, T + 60]),
          },
          { series: `${h}_bucket{${svc},le="0.30"}`, values: fastUntilT },
          { series: `${h}_bucket{${svc},le="0.5"}`, values: always },
          { series: `${h}_bucket{${svc},le="+Inf"}`, values: always },
          { series: `${h}_count{${svc}}`, values: always },
          {
            series: `http_requests_total{${svc},status="200"}`,
            values: always,
          },
        ],
        // A bucket the selector missed would leave the ratio absent, not 0.
        promql_expr_test: [sli(T, 0), sli(T + 5, 1)],
        // With a 1 % budget the fast tier needs 14.4 % slow requests over 1h
        // (from T+9m), the slow and long tiers 3 % over 1d and 1 % over 3d
        // (from T+44m); one minute earlier each is still quiet.
        alert_rule_test: [
          fired(8),
          fired(9, 'fast'),
          fired(43, 'fast', 'medium'),
          fired(44, 'fast', 'medium', 'slow', 'long'),
        ],
      };
      const result = testRules(promtool, yaml, [test]);
      expect(result.ok ? '' : result.output).toBe('');
    });
  },
);
