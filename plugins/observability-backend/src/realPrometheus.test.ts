import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  WATCHDOG_ALERT,
  type EntityViewResponse,
} from '@redline/backstage-plugin-observability-common';
import request from 'supertest';
import { parse } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary, findBinary } from '../../../test/support/binaries';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { waitPrometheusReady } from '../../../test/support/backfilledPrometheus';
import { closedPortUrl } from './__testUtils__/fakeServer';
import { component, testEntities } from './__testUtils__/entities';
import { observabilityPlugin } from './plugin';

jest.setTimeout(60_000);

const API = '/api/observability';

const checkOf = (view: EntityViewResponse, id: string) =>
  view.checks.find(c => c.id === id);

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
      await waitPrometheusReady(url, child, () => output);
    });

    afterAll(async () => {
      child?.kill('SIGTERM');
      await new Promise(r => child?.once('exit', r));
      await fs.rm(directory, { recursive: true, force: true });
    });

    /** A backend on the real Prometheus, with `observability` settings added. */
    async function startBackend(
      entities: Entity[],
      observability: Record<string, unknown> = {},
    ) {
      return startTestBackend({
        features: [
          observabilityPlugin,
          catalogServiceMock.factory({ entities }),
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
                ...observability,
              },
            },
          }),
        ],
      });
    }

    it('writes the rules, reloads Prometheus, and the view then sees them loaded', async () => {
      const { server } = await startBackend(
        testEntities({ runbookUrl: 'https://wiki.example.org/rb' }),
      );

      const before = (
        await request(server).get(`${API}/entity/component/default/checkout`)
      ).body as EntityViewResponse;
      // Prometheus answered: nothing of checkout's is loaded, no series exist.
      expect(before.deployedRules).toEqual({ status: 'ok' });
      expect(
        before.alerts.filter(a => a.deployed === 'no').length,
      ).toBeGreaterThan(3);
      expect(before.alerts.every(a => a.deployed !== 'yes')).toBe(true);
      expect(before.live?.status).toBe('ok');
      expect(checkOf(before, 'deployment.rules-loaded')).toMatchObject({
        status: 'fail',
        message: 'None of the generated alerts is loaded.',
      });
      expect(checkOf(before, 'metrics.exist')?.status).toBe('fail');

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
      // The Watchdog is the rule file's heartbeat, not one of the service's
      // alerts: the evaluator status watches it, this check does not.
      const generated: string[] = rulesFile.groups.flatMap((g: any) =>
        g.rules.flatMap((r: any) =>
          r.alert && r.alert !== WATCHDOG_ALERT ? [r.alert] : [],
        ),
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
        // The log-based fallback alert belongs to Loki, which Prometheus cannot vouch for.
        expect(alert.deployed).toBe(
          generated.includes(alert.name) ? 'yes' : 'unknown',
        );
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
      // Counted per rule of the file, as the alert table lists them.
      const records = rulesFile.groups.flatMap((g: any) =>
        g.rules.filter((r: any) => r.record),
      );
      expect(checkOf(after, 'deployment.rules-loaded')).toMatchObject({
        status: 'pass',
        message: `All ${generated.length} alerting rules and ${records.length} recording rules are loaded in Prometheus. 1 log-based alert runs in the Loki ruler and is not checked here.`,
      });

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
      expect(checkOf(bare, 'deployment.rules-loaded')?.status).toBe('pass');
      expect(bare.alerts.every(a => a.deployed === 'yes')).toBe(true);
    });

    it('honours observability.metrics.serviceLabel: rules generated with `app` are matched on `app`', async () => {
      const [payments] = testEntities({ runbookUrl: 'https://x.invalid' });
      const orders: Entity = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'orders',
          namespace: 'default',
          annotations: { 'redline.dev/slo-availability': '99.9' },
        },
        spec: {
          type: 'service',
          owner: 'group:default/payments',
          lifecycle: 'production',
        },
      };
      const { server } = await startBackend([payments, orders], {
        metrics: { serviceLabel: 'app' },
      });
      const viewOf = async () =>
        (await request(server).get(`${API}/entity/component/default/orders`))
          .body as EntityViewResponse;

      const before = await viewOf();
      expect(before.spec.selector.value).toBe('app="orders"');
      expect(checkOf(before, 'deployment.rules-loaded')?.status).toBe('fail');

      const apply = await request(server)
        .post(`${API}/entity/component/default/orders/apply`)
        .send({});
      expect(apply.status).toBe(200);
      expect(apply.body.reload).toEqual({ status: 'ok' });

      // What Prometheus loaded carries `app`, never the default `service`.
      const loaded = await (await fetch(`${url}/api/v1/rules`)).json();
      const ordersRules = loaded.data.groups
        .filter((g: any) =>
          g.file.endsWith('redline-component-default-orders.yaml'),
        )
        .flatMap((g: any) => g.rules)
        .filter((r: any) => r.name !== WATCHDOG_ALERT);
      expect(ordersRules.length).toBeGreaterThan(3);
      for (const rule of ordersRules) {
        expect(rule.labels).toMatchObject({ app: 'orders' });
        expect(rule.labels).not.toHaveProperty('service');
      }

      const after = await viewOf();
      const count = (type: string) =>
        ordersRules.filter((r: any) => r.type === type).length;
      expect(checkOf(after, 'deployment.rules-loaded')).toMatchObject({
        status: 'pass',
        message: `All ${count('alerting')} alerting rules and ${count(
          'recording',
        )} recording rules are loaded in Prometheus.`,
      });
      expect(after.alerts.every(a => a.deployed === 'yes')).toBe(true);
    });

    it("refuses an apply that would replace another entity's rules: 409 naming it, and Prometheus keeps serving them", async () => {
      const { server } = await startBackend([
        ...testEntities({ runbookUrl: 'https://wiki.example.org/rb' }),
        component('svc-collide', {
          'redline.dev/service-name': 'checkout',
          'redline.dev/metrics-selector': 'job="matches-nothing"',
        }),
      ]);
      const loadedCheckoutRules = async () => {
        const loaded = await (await fetch(`${url}/api/v1/rules`)).json();
        return loaded.data.groups
          .filter((g: any) => g.name.startsWith('redline:checkout:'))
          .map((g: any) => ({
            file: path.basename(g.file),
            queries: g.rules.map((r: any) => r.query),
          }));
      };

      const checkout = await request(server)
        .post(`${API}/entity/component/default/checkout/apply`)
        .send({});
      expect(checkout.status).toBe(200);
      const before = await loadedCheckoutRules();
      expect(before.length).toBeGreaterThan(0);
      expect(
        before.every(
          (g: any) => g.file === 'redline-component-default-checkout.yaml',
        ),
      ).toBe(true);

      const collide = await request(server)
        .post(`${API}/entity/component/default/svc-collide/apply`)
        .send({});
      expect(collide.status).toBe(409);
      expect(collide.body.error.message).toMatch(
        /already defined by component:default\/checkout/,
      );
      expect(await fs.readdir(path.join(directory, 'rules'))).not.toContain(
        'redline-component-default-svc-collide.yaml',
      );
      // Still checkout's own selector, not the one that matches nothing.
      const after = await loadedCheckoutRules();
      expect(after).toEqual(before);
      expect(JSON.stringify(after)).not.toContain('matches-nothing');
    });
  },
);
