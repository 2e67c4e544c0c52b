import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { EntityViewResponse } from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../test/support/binaries';
import { closedPortUrl } from './__testUtils__/fakeServer';
import { testEntities } from './__testUtils__/entities';
import { recordingLoggerFactory } from './__testUtils__/recordingLogger';
import { observabilityPlugin } from './plugin';

jest.setTimeout(60_000);

describeWithBinary('prometheus-alertmanager')(
  'live alerts from a real Alertmanager',
  binary => {
    let directory: string;
    let child: ChildProcess;
    let url: string;
    let output = '';

    beforeAll(async () => {
      directory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-am-'));
      await fs.writeFile(
        path.join(directory, 'alertmanager.yml'),
        'route:\n  receiver: devnull\n  group_by: [alertname, service]\nreceivers:\n  - name: devnull\n',
      );
      url = await closedPortUrl();
      child = spawn(
        binary,
        [
          `--config.file=${path.join(directory, 'alertmanager.yml')}`,
          `--storage.path=${path.join(directory, 'data')}`,
          `--web.listen-address=${new URL(url).host}`,
          '--cluster.listen-address=',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout!.on('data', d => (output += d));
      child.stderr!.on('data', d => (output += d));
      for (let i = 0; ; i++) {
        if (child.exitCode !== null || i > 100)
          throw new Error(`alertmanager did not start: ${output}`);
        const ready = await fetch(`${url}/-/ready`).then(
          r => r.ok,
          () => false,
        );
        if (ready) break;
        await new Promise(r => setTimeout(r, 100));
      }
      const startsAt = new Date(Date.now() - 60_000).toISOString();
      const alert = (labels: Record<string, string>) => ({
        labels,
        annotations: { summary: labels.alertname },
        startsAt,
      });
      const posted = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          alert({
            alertname: 'HighErrorRate',
            service: 'checkout',
            severity: 'critical',
            instance: 'pod-1',
          }),
          alert({
            alertname: 'HighErrorRate',
            service: 'checkout',
            severity: 'critical',
            instance: 'pod-2',
          }),
          alert({
            alertname: 'HighErrorRate',
            service: 'checkout',
            severity: 'critical',
            instance: 'pod-3',
          }),
          alert({
            alertname: 'HighLatencyP99',
            service: 'checkout',
            severity: 'warning',
          }),
          alert({
            alertname: 'HighErrorRate',
            service: 'search',
            severity: 'critical',
          }),
        ]),
      });
      if (posted.status !== 200)
        throw new Error(
          `posting alerts failed: ${posted.status} ${await posted.text()}`,
        );
    });

    afterAll(async () => {
      child?.kill('SIGTERM');
      await new Promise(r => child?.once('exit', r));
      await fs.rm(directory, { recursive: true, force: true });
    });

    it('filters by the service label, dedupes and groups per-instance copies', async () => {
      const warnings: string[] = [];
      const { server } = await startTestBackend({
        features: [
          observabilityPlugin,
          recordingLoggerFactory(warnings),
          catalogServiceMock.factory({
            entities: testEntities({
              runbookUrl: 'https://wiki.example.org/rb',
            }),
          }),
          mockServices.rootConfig.factory({
            data: {
              observability: {
                alertmanager: {
                  stormThreshold: 3,
                  instances: [{ name: 'real', url }],
                },
              },
            },
          }),
        ],
      });
      const res = await request(server).get(
        '/api/observability/entity/component/default/checkout',
      );
      expect(res.status).toBe(200);
      const body = res.body as EntityViewResponse;
      expect(body.firing).toMatchObject({
        status: 'ok',
        source: 'alertmanager',
      });
      // search's alert is filtered out by Alertmanager itself.
      expect(
        body.firing.alerts.map(a => [a.name, a.severity, a.count, a.state]),
      ).toEqual([
        ['HighErrorRate', 'critical', 3, 'firing'],
        ['HighLatencyP99', 'warning', 1, 'firing'],
      ]);
      expect(body.alerts.find(a => a.name === 'HighErrorRate')?.firing).toBe(
        true,
      );
      expect(body.checks.find(c => c.id === 'alerts.firing')).toMatchObject({
        status: 'fail',
        message: '2 alert(s) firing: HighErrorRate ×3, HighLatencyP99.',
      });
      // Four raw alerts of checkout cross the threshold of 3.
      expect(warnings).toContain(
        'Alert storm detected. Aggregating related alerts: 4 raw alerts folded into 2.',
      );

      const legacy = await request(server).get(
        '/api/observability/entity/component/default/legacy-billing',
      );
      expect(legacy.body.firing).toEqual({
        status: 'ok',
        source: 'alertmanager',
        alerts: [],
      });
    });
  },
);
