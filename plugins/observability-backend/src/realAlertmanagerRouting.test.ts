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
import { observabilityPlugin } from './plugin';

jest.setTimeout(60_000);

/** Routes team payments to a webhook; everything else to a receiver that notifies nobody. */
const WITH_TEAM_ROUTE = `route:
  receiver: devnull
  routes:
    - matchers: ['team="payments"']
      receiver: payments-hook
receivers:
  - name: devnull
  - name: payments-hook
    webhook_configs:
      - url: http://127.0.0.1:9/hook
`;

const WITHOUT_TEAM_ROUTE = `route:
  receiver: devnull
receivers:
  - name: devnull
`;

describeWithBinary('prometheus-alertmanager')(
  'routing checked against a real Alertmanager',
  binary => {
    let directory: string;
    let configFile: string;
    let child: ChildProcess;
    let url: string;
    let output = '';

    async function waitUntil(ready: () => Promise<boolean>, what: string) {
      for (let i = 0; ; i++) {
        if (child.exitCode !== null || i > 100)
          throw new Error(`${what}: ${output}`);
        if (await ready().catch(() => false)) return;
        await new Promise(r => setTimeout(r, 100));
      }
    }

    beforeAll(async () => {
      directory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-am-'));
      configFile = path.join(directory, 'alertmanager.yml');
      await fs.writeFile(configFile, WITH_TEAM_ROUTE);
      url = await closedPortUrl();
      child = spawn(
        binary,
        [
          `--config.file=${configFile}`,
          `--storage.path=${path.join(directory, 'data')}`,
          `--web.listen-address=${new URL(url).host}`,
          '--cluster.listen-address=',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout!.on('data', d => (output += d));
      child.stderr!.on('data', d => (output += d));
      await waitUntil(
        async () => (await fetch(`${url}/-/ready`)).ok,
        'alertmanager did not start',
      );
    });

    afterAll(async () => {
      child?.kill('SIGTERM');
      await new Promise(r => child?.once('exit', r));
      await fs.rm(directory, { recursive: true, force: true });
    });

    async function routingOfCheckout() {
      const { server } = await startTestBackend({
        features: [
          observabilityPlugin,
          catalogServiceMock.factory({
            entities: testEntities({
              runbookUrl: 'https://wiki.example.org/rb',
            }),
          }),
          mockServices.rootConfig.factory({
            data: {
              observability: {
                alertmanager: { instances: [{ name: 'real', url }] },
              },
            },
          }),
        ],
      });
      const res = await request(server).get(
        '/api/observability/entity/component/default/checkout',
      );
      expect(res.status).toBe(200);
      return (res.body as EntityViewResponse).checks.find(
        c => c.id === 'routing.owner-route',
      );
    }

    it('reads the running configuration, not the generated one, and says so', async () => {
      // The generated configuration sends checkout's alerts to a receiver
      // that notifies nobody (no pager or channel annotation); the running
      // one has a webhook for the team, and that is what decides.
      expect(await routingOfCheckout()).toMatchObject({
        status: 'pass',
        message:
          'Alerts for team="payments" go to receiver "payments-hook" (webhook). Checked in the running Alertmanager "real" (its loaded configuration).',
      });

      await fs.writeFile(configFile, WITHOUT_TEAM_ROUTE);
      const reload = await fetch(`${url}/-/reload`, { method: 'POST' });
      expect(reload.status).toBe(200);
      await waitUntil(async () => {
        const status = await (await fetch(`${url}/api/v2/status`)).json();
        return !String(status.config.original).includes('payments-hook');
      }, 'alertmanager did not reload');

      const after = await routingOfCheckout();
      expect(after).toMatchObject({
        status: 'fail',
        message: expect.stringContaining(
          'No Alertmanager route matches team="payments"',
        ),
      });
      expect(after?.message).toContain('running Alertmanager "real"');
    });
  },
);
