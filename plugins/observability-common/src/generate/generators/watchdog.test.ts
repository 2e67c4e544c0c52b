import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../../test/support/binaries';
import {
  DEFAULT_GENERATOR_CONFIG,
  resolveGeneratorConfig,
} from '../../spec/config';
import { downloadedFile } from '../__promtool__/downloadedFile';
import { testRules } from '../__promtool__/runPromtool';
import { makeSpec } from '../__testUtils__/makeSpec';
import { generateArtifacts } from '../generateArtifacts';
import { observabilityTabUrlFor } from '../links';
import { WATCHDOG_ALERT, WATCHDOG_LABEL } from './watchdog';

const heartbeatConfig = resolveGeneratorConfig({
  watchdog: { heartbeatUrl: 'https://heartbeat.example.com/ping/abc' },
});

function alertmanagerConfig(config = DEFAULT_GENERATOR_CONFIG) {
  return parse(
    downloadedFile(generateArtifacts(makeSpec(), config), 'alertmanager'),
  );
}

describe('watchdog generator', () => {
  it('adds an always-firing Watchdog to the rule file, outside the service alerts', () => {
    const artifacts = generateArtifacts(makeSpec(), DEFAULT_GENERATOR_CONFIG);
    const rules = parse(downloadedFile(artifacts, 'prometheus-rules'));
    const group = rules.groups.find((g: { name: string }) =>
      g.name.endsWith(':watchdog'),
    );
    expect(group.rules).toEqual([
      expect.objectContaining({
        alert: WATCHDOG_ALERT,
        expr: 'vector(1)',
        labels: {
          severity: 'none',
          team: 'payments',
          [WATCHDOG_LABEL]: 'checkout',
        },
      }),
    ]);
    // Not a service alert: it must never count as one firing for the service.
    expect(group.rules[0].labels.service).toBeUndefined();
    expect(artifacts.alerts.map(a => a.name)).not.toContain(WATCHDOG_ALERT);
  });

  it('routes the Watchdog to the heartbeat receiver before any other team route', () => {
    const config = alertmanagerConfig(heartbeatConfig);
    const team = config.route.routes.find(
      (r: { receiver: string; matchers?: string[] }) =>
        r.matchers?.includes('team="payments"'),
    );
    expect(team.routes[0]).toEqual({
      receiver: 'payments-heartbeat',
      matchers: ['alertname="Watchdog"'],
      group_wait: '0s',
      group_interval: '1m',
      repeat_interval: '1m',
    });
    expect(
      config.receivers.find(
        (r: { name: string }) => r.name === 'payments-heartbeat',
      ),
    ).toEqual({
      name: 'payments-heartbeat',
      webhook_configs: [
        { url: 'https://heartbeat.example.com/ping/abc', send_resolved: false },
      ],
    });
  });

  it('keeps a receiver without integrations when no heartbeat URL is configured', () => {
    const config = alertmanagerConfig();
    expect(
      config.receivers.find(
        (r: { name: string }) => r.name === 'payments-heartbeat',
      ),
    ).toEqual({ name: 'payments-heartbeat' });
  });
});

describeWithBinary('promtool')('Watchdog under promtool', promtool => {
  it('fires from the first evaluation, with no input series at all', () => {
    const artifacts = generateArtifacts(makeSpec(), DEFAULT_GENERATOR_CONFIG);
    const result = testRules(
      promtool,
      downloadedFile(artifacts, 'prometheus-rules'),
      [
        {
          interval: '1m',
          input_series: [],
          alert_rule_test: [0, 60].map(minute => ({
            eval_time: `${minute}m`,
            alertname: WATCHDOG_ALERT,
            exp_alerts: [
              {
                exp_labels: {
                  severity: 'none',
                  team: 'payments',
                  [WATCHDOG_LABEL]: 'checkout',
                },
                exp_annotations: {
                  summary: 'Rules of checkout are being evaluated',
                  description:
                    'Always firing while Prometheus evaluates this rule file. Its heartbeat stopping means the evaluator stopped: every other alert of the file is silent, not resolved.',
                  runbook_url: observabilityTabUrlFor(
                    makeSpec(),
                    DEFAULT_GENERATOR_CONFIG,
                  ),
                },
              },
            ],
          })),
        },
      ],
    );
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});

describeWithBinary('amtool')('Watchdog under amtool', amtool => {
  it('amtool routes the Watchdog to the heartbeat and nothing else there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-watchdog-'));
    try {
      const file = join(dir, 'alertmanager.yaml');
      writeFileSync(
        file,
        downloadedFile(
          generateArtifacts(makeSpec(), heartbeatConfig),
          'alertmanager',
        ),
      );
      const route = (expected: string, labels: string[]) =>
        spawnSync(
          amtool,
          [
            'config',
            'routes',
            'test',
            `--config.file=${file}`,
            `--verify.receivers=${expected}`,
            ...labels,
          ],
          { encoding: 'utf8' },
        );
      const check = spawnSync(amtool, ['check-config', file], {
        encoding: 'utf8',
      });
      expect(check.stdout).toContain('SUCCESS');
      expect(
        route('payments-heartbeat', [
          'alertname=Watchdog',
          'team=payments',
          'severity=none',
        ]).status,
      ).toBe(0);
      expect(
        route('payments-pager', [
          'alertname=HighErrorRate',
          'team=payments',
          'severity=critical',
        ]).status,
      ).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
