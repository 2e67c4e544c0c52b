/**
 * The generated inhibition rules in a real Alertmanager: alerts carrying
 * exactly the labels the generated rules give them are posted to its v2 API,
 * and `status.inhibitedBy` from GET /api/v2/alerts says what is silenced.
 * amtool can check the config's syntax but not which alert hides which.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import type { AlertmanagerApiAlert } from '../facts/apiTypes';
import { DEFAULT_GENERATOR_CONFIG, type GeneratorConfig } from '../spec/config';
import type { SloSpec } from '../spec/types';
import {
  generateAlertmanagerFragment,
  renderAlertmanagerYaml,
} from './alertmanager';
import { generatePrometheusRules } from './prometheusRules';
import { makeSpec } from './__testUtils__/makeSpec';

jest.setTimeout(30_000);

const config: GeneratorConfig = {
  ...DEFAULT_GENERATOR_CONFIG,
  alertmanager: { groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' },
};

const availability: SloSpec = {
  slo: 'availability',
  objectivePercent: 99.9,
  windowDays: 30,
  window: { type: 'rolling', days: 30 },
  annotation: 'redline.dev/slo-availability',
};
const latency: SloSpec = {
  slo: 'latency',
  objectivePercent: 99,
  thresholdSeconds: 0.3,
  windowDays: 30,
  window: { type: 'rolling', days: 30 },
  annotation: 'redline.dev/slo-latency',
};

/** Labels of a generated alert, by its key, with the `alertname` Prometheus adds. */
function labelsOf(slos: SloSpec[], key: string): Record<string, string> {
  const { alerts } = generatePrometheusRules(makeSpec({ slos }), config);
  const found = alerts.find(a => a.key === key);
  if (!found) throw new Error(`no alert ${key}`);
  return { alertname: found.name, ...found.labels };
}

// With only an availability SLO, the latency threshold alert pages while the
// error-rate one only opens a ticket: a critical and warnings side by side.
const posted = {
  latencyPage: labelsOf([availability], 'HighLatencyP99'),
  errorTicket: labelsOf([availability], 'HighErrorRate'),
  trafficTicket: labelsOf([availability], 'TrafficDrop'),
  availabilityFast: labelsOf(
    [availability, latency],
    'SLOErrorBudgetBurn:availability:fast',
  ),
  availabilitySlow: labelsOf(
    [availability, latency],
    'SLOErrorBudgetBurn:availability:slow',
  ),
  latencySlow: labelsOf(
    [availability, latency],
    'SLOErrorBudgetBurn:latency:slow',
  ),
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) ===
  JSON.stringify(Object.entries(b).sort());

describeWithBinary('prometheus-alertmanager')(
  'generated inhibition rules in a real Alertmanager',
  binary => {
    let dir: string;
    let child: ChildProcess;
    let url: string;
    let log = '';

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'redline-inhibition-'));
      // No receiver is declared, so nothing tries to notify anyone.
      const { fragment } = generateAlertmanagerFragment(
        makeSpec({ routing: {}, slos: [availability, latency] }),
        config,
      );
      writeFileSync(
        join(dir, 'alertmanager.yml'),
        renderAlertmanagerYaml([fragment]),
      );
      url = `http://127.0.0.1:${await freePort()}`;
      child = spawn(
        binary,
        [
          `--config.file=${join(dir, 'alertmanager.yml')}`,
          `--storage.path=${join(dir, 'data')}`,
          `--web.listen-address=${new URL(url).host}`,
          '--cluster.listen-address=',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout!.on('data', chunk => (log += chunk));
      child.stderr!.on('data', chunk => (log += chunk));
      for (let attempt = 0; ; attempt++) {
        if (child.exitCode !== null || attempt > 100)
          throw new Error(`alertmanager did not start: ${log}`);
        const ready = await fetch(`${url}/-/ready`).then(
          r => r.ok,
          () => false,
        );
        if (ready) break;
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      const startsAt = new Date(Date.now() - 60_000).toISOString();
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          Object.values(posted).map(labels => ({ labels, startsAt })),
        ),
      });
      if (res.status !== 200)
        throw new Error(`posting alerts failed: ${res.status} ${log}`);
    });

    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise(resolve => child.once('exit', resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    });

    /**
     * Who inhibits each posted alert (names from `posted`), read once the
     * inhibitor has taken in the sources: the same-SLO burn being inhibited
     * proves that, so the other answers are final rather than not yet.
     */
    async function inhibitedBy(): Promise<Record<string, string[]>> {
      for (let attempt = 0; ; attempt++) {
        const alerts = (await (
          await fetch(`${url}/api/v2/alerts`)
        ).json()) as AlertmanagerApiAlert[];
        const nameOf = (fingerprint: string) => {
          const alert = alerts.find(a => a.fingerprint === fingerprint);
          return (
            Object.entries(posted).find(
              ([, labels]) => alert && sameLabels(alert.labels, labels),
            )?.[0] ?? fingerprint
          );
        };
        const result = Object.fromEntries(
          Object.entries(posted).map(([name, labels]) => {
            const alert = alerts.find(a => sameLabels(a.labels, labels));
            return [name, (alert?.status.inhibitedBy ?? []).map(nameOf)];
          }),
        );
        if (result.availabilitySlow.length > 0 || attempt > 100) return result;
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    }

    it('silences only the slower burn of the same SLO', async () => {
      expect(posted.latencyPage.severity).toBe('critical');
      expect(posted.errorTicket.severity).toBe('warning');
      expect(posted.trafficTicket.severity).toBe('warning');
      expect(await inhibitedBy()).toEqual({
        latencyPage: [],
        // A latency page does not hide another symptom of the same service.
        errorTicket: [],
        trafficTicket: [],
        availabilityFast: [],
        availabilitySlow: ['availabilityFast'],
        // Another SLO's slow burn is its own problem.
        latencySlow: [],
      });
    });
  },
);
