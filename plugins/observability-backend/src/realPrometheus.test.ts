import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { EntityViewResponse } from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { parse } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary, findBinary } from '../../../test/support/binaries';
import { closedPortUrl } from './__testUtils__/fakeServer';
import { testEntities } from './__testUtils__/entities';
import { observabilityPlugin } from './plugin';

jest.setTimeout(60_000);

const API = '/api/observability';

async function waitReady(url: string, child: ChildProcess, log: () => string) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${log()}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`prometheus not ready: ${log()}`);
}

describeWithBinary('prometheus')(
  'apply against a real Prometheus',
  prometheusBinary => {
    let directory: string;
    let child: ChildProcess;
    let url: string;
    let output = '';

    beforeAll(async () => {
      directory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-prom-'));
      await fs.mkdir(path.join(directory, 'rules'));
      await fs.writeFile(
        path.join(directory, 'prometheus.yml'),
        `global:\n  evaluation_interval: 1s\nrule_files:\n  - ${path.join(
          directory,
          'rules',
        )}/*.yaml\n`,
      );
      url = await closedPortUrl();
      child = spawn(
        prometheusBinary,
        [
          `--config.file=${path.join(directory, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(directory, 'data')}`,
          `--web.listen-address=${new URL(url).host}`,
          '--web.enable-lifecycle',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout!.on('data', d => (output += d));
      child.stderr!.on('data', d => (output += d));
      await waitReady(url, child, () => output);
    });

    afterAll(async () => {
      child?.kill('SIGTERM');
      await new Promise(r => child?.once('exit', r));
      await fs.rm(directory, { recursive: true, force: true });
    });

    it('writes the rules, reloads Prometheus, and the view then sees them loaded', async () => {
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
                prometheus: {
                  instances: [
                    {
                      name: 'real',
                      url,
                      default: true,
                      rulesDirectory: path.join(directory, 'rules'),
                    },
                  ],
                },
                retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 },
                apply: { promtoolPath: findBinary('promtool') ?? 'promtool' },
              },
            },
          }),
        ],
      });

      const before = (
        await request(server).get(`${API}/entity/component/default/checkout`)
      ).body as EntityViewResponse;
      expect(before.facts.deployedRules).toEqual({
        status: 'ok',
        loadedAlerts: [],
        loadedRecords: [],
      });
      expect(
        before.alertStates.filter(a => a.deployed === 'no').length,
      ).toBeGreaterThan(3);
      expect(before.alertStates.every(a => a.deployed !== 'yes')).toBe(true);
      expect(before.live?.status).toBe('ok');
      expect(before.facts.metrics).toMatchObject({ status: 'ok', present: [] });

      const apply = await request(server)
        .post(`${API}/entity/component/default/checkout/apply`)
        .send({});
      expect(apply.status).toBe(200);
      expect(apply.body).toMatchObject({
        changed: true,
        validated: 'promtool',
        reload: { status: 'ok' },
      });

      // Prometheus now serves exactly the alerts of the file we generated.
      const rulesFile = parse(
        (
          await request(server).get(
            `${API}/entity/component/default/checkout/artifacts/prometheus-rules`,
          )
        ).text,
      );
      const generated: string[] = rulesFile.groups.flatMap((g: any) =>
        g.rules.flatMap((r: any) => (r.alert ? [r.alert] : [])),
      );
      expect(generated.length).toBeGreaterThan(3);
      const loaded = await (await fetch(`${url}/api/v1/rules`)).json();
      const names = loaded.data.groups.flatMap((g: any) =>
        g.rules.map((r: any) => r.name),
      );
      expect(names).toEqual(expect.arrayContaining(generated));

      const after = (
        await request(server).get(`${API}/entity/component/default/checkout`)
      ).body as EntityViewResponse;
      for (const alert of after.alerts) {
        const state = after.alertStates.find(
          s => s.key === alert.key,
        )?.deployed;
        // The log-based fallback alert belongs to Loki, which Prometheus cannot vouch for.
        expect(state).toBe(generated.includes(alert.name) ? 'yes' : 'unknown');
      }
      // The Loki fallback alert is not expected in Prometheus: after apply,
      // every alert Prometheus should have is loaded and the check passes.
      const logOnly = [
        ...new Set(
          after.alerts
            .map(a => a.name)
            .filter(name => !generated.includes(name)),
        ),
      ];
      expect(logOnly).toEqual(['LogErrorRateFallback']);
      const check = after.checks.find(c => c.id === 'deployment.rules-loaded');
      expect(check?.status).toBe('pass');
      expect(check?.message).toBe(
        `All ${new Set(generated).size} alert(s) are loaded.`,
      );

      // An entity without a log stream has only Prometheus alerts: fully loaded after apply.
      expect(
        (
          await request(server).post(
            `${API}/entity/component/default/legacy-billing/apply`,
          )
        ).body.reload,
      ).toEqual({ status: 'ok' });
      const bare = (
        await request(server).get(
          `${API}/entity/component/default/legacy-billing`,
        )
      ).body as EntityViewResponse;
      expect(
        bare.checks.find(c => c.id === 'deployment.rules-loaded')?.status,
      ).toBe('pass');
      expect(bare.alertStates.every(a => a.deployed === 'yes')).toBe(true);
    });
  },
);
