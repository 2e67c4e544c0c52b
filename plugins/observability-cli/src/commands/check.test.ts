import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CheckResult,
  describeEntity,
  resolveGeneratorConfig,
  WATCHDOG_LABEL,
} from '@redline/backstage-plugin-observability-common';
import { parse } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import type { Entity } from '../catalogFiles';
import { main } from '../index';
import type { CliIo } from '../io';
import type { EntityCheckReport } from './check';

jest.setTimeout(60_000);

/** The live stack's own launcher (test/stack), shared rather than copied. */
interface StackProcesses {
  ProcessGroup: new () => { stopAll(): Promise<void> };
  waitUntil<T>(
    what: string,
    probe: () => Promise<T>,
    options?: { timeoutMs?: number; intervalMs?: number },
  ): Promise<T>;
}
interface StackMonitoring {
  RULE_FILE_GLOB: string;
  prometheusConfig(options: {
    scrapeTargets: string[];
    rulesDir: string;
    scrapeInterval?: string;
    evaluationInterval?: string;
  }): unknown;
  startAlertmanager(
    group: unknown,
    options: { binary: string; workDir: string; configYaml: string },
  ): Promise<{ url: string }>;
  startPrometheus(
    group: unknown,
    options: { binary: string; workDir: string; config: unknown },
  ): Promise<{ url: string }>;
  prometheusRules(url: string): Promise<Array<{ rules: unknown[] }>>;
  prometheusQuery(url: string, query: string): Promise<unknown[]>;
}

function recorder(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: l => stdout.push(l), err: l => stderr.push(l) };
}

function component(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'redline.dev/slo-availability': '99.9',
        'redline.dev/slack-channel': '#payments-alerts',
        ...annotations,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  };
}

const PAYMENTS = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments' },
  spec: { type: 'team', children: [] },
};

const yamlDocs = (docs: unknown[]) =>
  docs.map(d => JSON.stringify(d)).join('\n---\n');

const APP_LABEL_CONFIG = `app:
  baseUrl: http://localhost:3000
observability:
  metrics:
    serviceLabel: app
`;

/** `le` values (besides +Inf) of services with latency SLOs at 400ms. */
const LIVE_BUCKETS = { fast: ['0.1', '0.4'], coarse: ['0.1', '0.3', '0.5'] };

const byId = (checks: CheckResult[], id: string) =>
  checks.find(c => c.id === id);

describe('redline check', () => {
  let dir: string;
  let catalogFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'redline-check-'));
    catalogFile = join(dir, 'catalog-info.yaml');
    writeFileSync(catalogFile, yamlDocs([component('checkout'), PAYMENTS]));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers an unknown flag with exit code 2 and the usage', async () => {
    const io = recorder();
    const code = await main(
      [
        'check',
        catalogFile,
        '--prometheus',
        'http://127.0.0.1:9090',
        '--bogus',
      ],
      io,
    );
    expect(code).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.join('\n')).toContain("Unknown option '--bogus'");
    expect(io.stderr.join('\n')).toContain('Usage: redline check <catalog');
  });

  it('requires --prometheus and refuses an invalid --config value (exit code 2)', async () => {
    const missing = recorder();
    expect(await main(['check', catalogFile], missing)).toBe(2);
    expect(missing.stderr[0]).toMatch(/--prometheus <url> is required/);

    const config = join(dir, 'app-config.yaml');
    writeFileSync(
      config,
      'observability:\n  metrics:\n    serviceLabel: 1app\n',
    );
    const bad = recorder();
    expect(
      await main(
        [
          'check',
          catalogFile,
          '--prometheus',
          'http://127.0.0.1:9090',
          '--config',
          config,
        ],
        bad,
      ),
    ).toBe(2);
    expect(bad.stderr).toEqual([
      'redline check: --config: observability.metrics.serviceLabel must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __), got "1app"',
    ]);
  });

  it('says unknown, with the reason, when Prometheus cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise(r => server.close(r));

    const io = recorder();
    await main(
      [
        'check',
        catalogFile,
        '--prometheus',
        `http://127.0.0.1:${port}`,
        '--format',
        'json',
      ],
      io,
    );
    const [report] = JSON.parse(io.stdout.join('\n')) as EntityCheckReport[];
    const reason = `Prometheus at http://127.0.0.1:${port} (GET /api/v1/rules) did not answer (connect ECONNREFUSED 127.0.0.1:${port})`;
    expect(byId(report.checks, 'deployment.rules-loaded')).toMatchObject({
      status: 'unknown',
      message: reason,
    });
    expect(byId(report.checks, 'alerts.firing')).toMatchObject({
      status: 'unknown',
      message: reason,
    });
    expect(byId(report.checks, 'metrics.exist')?.status).toBe('unknown');
    expect(byId(report.checks, 'metrics.exist')?.message).toContain(
      `(GET /api/v1/query) did not answer (connect ECONNREFUSED`,
    );
    expect(report.summary.rulesDeployed).toBe('unknown');
    const printed = [...io.stdout, ...io.stderr].join('\n');
    expect(printed).not.toMatch(/\n\s+at /);
    expect(io.stderr).toEqual([]);
  });
});

describeWithBinary('prometheus')(
  'redline check against a real Prometheus',
  prometheusBinary => {
    // test/stack is the repo's live-stack kit (plain .mjs, not a package).
    const { ProcessGroup, waitUntil } =
      // eslint-disable-next-line @backstage/no-relative-monorepo-imports
      require('../../../../test/stack/processes.mjs') as StackProcesses;
    const monitoring =
      // eslint-disable-next-line @backstage/no-relative-monorepo-imports
      require('../../../../test/stack/monitoring.mjs') as StackMonitoring;

    const defaultConfig = resolveGeneratorConfig();
    const appConfig = resolveGeneratorConfig({
      metrics: { serviceLabel: 'app' },
    });
    const checkout = component('checkout');
    // Same service, but checked against another named instance: the run
    // still asks Prometheus for its rules once.
    const cart = component('cart', {
      'redline.dev/prometheus-instance': 'eu',
    });
    const orders = component('orders');
    const ordersDescription = describeEntity(orders, appConfig);
    const rulesFileOf = (d: typeof ordersDescription) =>
      d.artifacts.files.find(f => f.id === 'prometheus-rules')!.content;

    let dir: string;
    let group: { stopAll(): Promise<void> };
    let scrapeTarget: Server;
    let prometheusUrl: string;
    let fetchSpy: jest.SpiedFunction<typeof fetch>;

    const rulesCalls = () =>
      fetchSpy.mock.calls.filter(([url]) =>
        String(url).includes('/api/v1/rules'),
      ).length;

    async function check(catalog: unknown[], extra: string[] = []) {
      const file = join(dir, `catalog-${Date.now()}-${Math.random()}.yaml`);
      writeFileSync(file, yamlDocs(catalog));
      const io = recorder();
      fetchSpy.mockClear();
      const code = await main(
        [
          'check',
          file,
          '--prometheus',
          prometheusUrl,
          '--format',
          'json',
          ...extra,
        ],
        io,
      );
      expect(io.stderr).toEqual([]);
      const reports = JSON.parse(io.stdout.join('\n')) as EntityCheckReport[];
      return {
        code,
        rulesCalls: rulesCalls(),
        report: (name: string) =>
          reports.find(r => r.entityRef === `component:default/${name}`)!,
      };
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'redline-check-prom-'));
      const rulesDir = join(dir, 'rules');
      mkdirSync(rulesDir);

      // The generated rule files, as `redline generate` or the portal's apply
      // would write them: checkout labelled by `service`, orders by `app`.
      for (const [name, description] of [
        ['checkout', describeEntity(checkout, defaultConfig)],
        ['orders', ordersDescription],
      ] as const) {
        writeFileSync(
          join(rulesDir, `redline-${name}.yaml`),
          rulesFileOf(description),
        );
      }

      // The services' RED metrics, each under its own service label.
      const series = [
        ['service="checkout"', 'status="200"'],
        ['app="orders"', 'status="200"'],
      ];
      const exposition = [
        '# TYPE http_requests_total counter',
        ...series.map(([s, st]) => `http_requests_total{${s},${st}} 100`),
        '# TYPE http_request_duration_seconds histogram',
        ...series.flatMap(([s]) => [
          `http_request_duration_seconds_bucket{${s},le="0.5"} 100`,
          `http_request_duration_seconds_bucket{${s},le="+Inf"} 100`,
          `http_request_duration_seconds_sum{${s}} 5`,
          `http_request_duration_seconds_count{${s}} 100`,
        ]),
        // Buckets other than the configured ones, for latency SLOs at 400ms.
        ...Object.entries(LIVE_BUCKETS).flatMap(([service, les]) =>
          [...les, '+Inf'].map(
            le =>
              `http_request_duration_seconds_bucket{service="${service}",le="${le}"} 100`,
          ),
        ),
        '',
      ].join('\n');
      scrapeTarget = createServer((_req, res) => {
        res.setHeader('content-type', 'text/plain; version=0.0.4');
        res.end(exposition);
      });
      await new Promise<void>(r => scrapeTarget.listen(0, '127.0.0.1', r));
      const { port } = scrapeTarget.address() as AddressInfo;

      group = new ProcessGroup();
      const prometheus = await monitoring.startPrometheus(group, {
        binary: prometheusBinary,
        workDir: dir,
        config: monitoring.prometheusConfig({
          scrapeTargets: [`127.0.0.1:${port}`],
          rulesDir,
          scrapeInterval: '1s',
          evaluationInterval: '1s',
        }),
      });
      prometheusUrl = prometheus.url;
      await waitUntil(
        'both rule files loaded and both services scraped',
        async () =>
          (await monitoring.prometheusRules(prometheusUrl)).length >= 2 &&
          (
            await monitoring.prometheusQuery(
              prometheusUrl,
              'http_request_duration_seconds_bucket',
            )
          ).length >= 4,
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      fetchSpy = jest.spyOn(globalThis, 'fetch');
    });

    afterAll(async () => {
      fetchSpy?.mockRestore();
      await group?.stopAll();
      await new Promise(r => (scrapeTarget ? scrapeTarget.close(r) : r(null)));
      rmSync(dir, { recursive: true, force: true });
    });

    it('passes rules-loaded for loaded rules, fails the run for what is missing, with one rules call', async () => {
      const run = await check([checkout, cart, PAYMENTS]);

      const ok = run.report('checkout');
      expect(byId(ok.checks, 'deployment.rules-loaded')).toMatchObject({
        status: 'pass',
      });
      expect(byId(ok.checks, 'metrics.exist')?.status).toBe('pass');
      expect(byId(ok.checks, 'ownership.owner-exists')?.status).toBe('pass');
      expect(ok.checks.filter(c => c.status === 'fail')).toEqual([]);
      expect(ok.summary).toMatchObject({ failing: 0, rulesDeployed: 'yes' });

      const missing = run.report('cart');
      expect(byId(missing.checks, 'deployment.rules-loaded')).toMatchObject({
        status: 'fail',
        message: 'None of the generated alerts is loaded.',
      });
      expect(byId(missing.checks, 'metrics.exist')?.status).toBe('fail');
      expect(missing.summary.rulesDeployed).toBe('no');

      expect(run.code).toBe(1);
      expect(run.rulesCalls).toBe(1);
    });

    it('honours observability.metrics.serviceLabel from --config in what it generates and matches', async () => {
      // What Prometheus loaded for orders selects and labels by `app` only.
      expect(ordersDescription.spec.selector.value).toBe('app="orders"');
      const loadedLabels = (
        parse(rulesFileOf(ordersDescription)).groups as Array<{
          rules: Array<{ labels?: Record<string, string> }>;
        }>
      )
        .flatMap(g => g.rules.map(r => r.labels))
        // The Watchdog is the rule file's, not the service's (no app label).
        .filter(labels => !labels?.[WATCHDOG_LABEL]);
      expect(loadedLabels.length).toBeGreaterThan(3);
      for (const labels of loadedLabels) {
        expect(labels).toMatchObject({ app: 'orders' });
        expect(labels).not.toHaveProperty('service');
      }

      const configFile = join(dir, 'app-config.yaml');
      writeFileSync(configFile, APP_LABEL_CONFIG);

      const run = await check([orders, PAYMENTS], ['--config', configFile]);
      const report = run.report('orders');
      expect(byId(report.checks, 'deployment.rules-loaded')).toMatchObject({
        status: 'pass',
      });
      expect(byId(report.checks, 'metrics.exist')).toMatchObject({
        status: 'pass',
        message: expect.stringContaining('{app="orders"}'),
      });
      expect(report.checks.filter(c => c.status === 'fail')).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.rulesCalls).toBe(1);

      // Without the config the same rules carry a label the checks do not
      // look for: what matches is decided by the configured label.
      const unconfigured = await check([orders, PAYMENTS]);
      expect(
        byId(unconfigured.report('orders').checks, 'deployment.rules-loaded')
          ?.status,
      ).toBe('fail');
      expect(unconfigured.code).toBe(1);
    });

    it('measures a latency SLO at the buckets the service exposes, asking once', async () => {
      const latency400 = { 'redline.dev/slo-latency': '99% < 400ms' };
      const run = await check([
        component('fast', latency400),
        component('coarse', latency400),
        PAYMENTS,
      ]);
      // 400ms lies between the configured 0.3 and 0.5; fast exposes 0.4.
      expect(byId(run.report('fast').checks, 'metadata.slo')).toMatchObject({
        status: 'pass',
      });
      expect(byId(run.report('coarse').checks, 'metadata.slo')).toMatchObject({
        status: 'warn',
        message: expect.stringMatching(
          /measured at the nearest bucket below it, le="0\.3".*the buckets Prometheus reports/,
        ),
      });
      const bucketQueries = fetchSpy.mock.calls.filter(([url]) =>
        new URL(String(url)).searchParams
          .get('query')
          ?.startsWith('group by (le, service)'),
      );
      expect(bucketQueries).toHaveLength(1);
    });

    it('prints each check with its fix and a summary line as text', async () => {
      const file = join(dir, 'text-catalog.yaml');
      writeFileSync(file, yamlDocs([checkout, cart, PAYMENTS]));
      const io = recorder();
      const code = await main(
        ['check', file, '--prometheus', prometheusUrl],
        io,
      );
      expect(code).toBe(1);
      const text = io.stdout.join('\n');
      expect(text).toContain('component:default/checkout: 0 failing, ');
      expect(text).toMatch(
        /\n {2}pass {4}Rules loaded in Prometheus \(deployment\.rules-loaded\): All \d+ alerting rules and \d+ recording rules are loaded in Prometheus\.\n/,
      );
      expect(text).toContain(
        '  fail    Rules loaded in Prometheus (deployment.rules-loaded): None of the generated alerts is loaded.\n          fix: Apply the generated rules',
      );
      expect(io.stdout[io.stdout.length - 1]).toMatch(
        new RegExp(
          `^2 component\\(s\\) checked against ${prometheusUrl}: \\d+ passed, \\d+ failed \\(in 1 component\\(s\\)\\), \\d+ warning\\(s\\), \\d+ unknown\\.$`,
        ),
      );
    });
  },
);

describeWithBinary('prometheus-alertmanager')(
  'redline check --alertmanager against a real Alertmanager',
  alertmanagerBinary => {
    const { ProcessGroup } =
      // eslint-disable-next-line @backstage/no-relative-monorepo-imports
      require('../../../../test/stack/processes.mjs') as StackProcesses;
    const { startAlertmanager } =
      // eslint-disable-next-line @backstage/no-relative-monorepo-imports
      require('../../../../test/stack/monitoring.mjs') as StackMonitoring;

    let dir: string;
    let group: { stopAll(): Promise<void> };
    let alertmanagerUrl: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'redline-check-am-'));
      group = new ProcessGroup();
      ({ url: alertmanagerUrl } = await startAlertmanager(group, {
        binary: alertmanagerBinary,
        workDir: dir,
        configYaml:
          'route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n',
      }));
      const posted = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          {
            labels: {
              alertname: 'HighErrorRate',
              service: 'checkout',
              severity: 'critical',
            },
            annotations: {},
          },
        ]),
      });
      if (!posted.ok)
        throw new Error(`posting the alert: HTTP ${posted.status}`);
    });

    afterAll(async () => {
      await group?.stopAll();
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads live alerts from Alertmanager and gives each Component its own', async () => {
      const file = join(dir, 'catalog.yaml');
      writeFileSync(
        file,
        yamlDocs([component('checkout'), component('cart'), PAYMENTS]),
      );
      const io = recorder();
      const code = await main(
        [
          'check',
          file,
          // Prometheus is not needed for live alerts when Alertmanager answers.
          '--prometheus',
          'http://127.0.0.1:1',
          '--alertmanager',
          alertmanagerUrl,
          '--format',
          'json',
        ],
        io,
      );
      const reports = JSON.parse(io.stdout.join('\n')) as EntityCheckReport[];
      const firing = (ref: string) =>
        byId(reports.find(r => r.entityRef === ref)!.checks, 'alerts.firing');
      expect(firing('component:default/checkout')).toMatchObject({
        status: 'fail',
        message: '1 alert(s) firing: HighErrorRate.',
      });
      expect(firing('component:default/cart')).toMatchObject({
        status: 'pass',
        message: 'Nothing firing.',
      });
      expect(code).toBe(1);
    });
  },
);
