/**
 * `redline budget` against a real Prometheus over 30 days of backfilled
 * history (the shared kit): the gate's exit codes and printed numbers are
 * asserted as numbers. Evaluated `--at` the end of the data, so the
 * figures do not move with the clock.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import {
  startBackfilledPrometheus,
  type BackfilledPrometheus,
} from '../../../../test/support/backfilledPrometheus';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- as above
import {
  describeWithBinary,
  requireBinary,
} from '../../../../test/support/binaries';
import { main } from '../index';
import type { CliIo } from '../io';
import type { BudgetJsonReport } from './budget';

jest.setTimeout(60_000);

const DAY = 86_400;
/** The end of the data; every run is evaluated `--at` it. */
const END = Date.UTC(2026, 9, 1) / 1000;
const AT = new Date(END * 1000).toISOString();

function recorder(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: l => stdout.push(l), err: l => stderr.push(l) };
}

async function run(args: string[]) {
  const io = recorder();
  const code = await main(['budget', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** Components whose SLO metrics are keyed by `redline.dev/service-name`. */
function component(name: string, service: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'redline.dev/slo-availability': '99.9',
        'redline.dev/service-name': service,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  };
}

/** A loopback port nobody listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(r => server.close(() => r()));
  return port;
}

let catalog: string;
beforeAll(() => {
  catalog = mkdtempSync(join(tmpdir(), 'redline-budget-'));
  writeFileSync(
    join(catalog, 'catalog-info.yaml'),
    [
      component('checkout', 'checkout-api'),
      component('payments', 'payments-api'),
      // No series at all: its numbers are "no data".
      component('ghost', 'ghost-api'),
    ]
      .map(e => stringify(e))
      .join('---\n'),
  );
  writeFileSync(
    join(catalog, 'system.yaml'),
    stringify({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'shop' },
      spec: { owner: 'payments' },
    }),
  );
});
afterAll(() => rmSync(catalog, { recursive: true, force: true }));

describe('redline budget: usage', () => {
  it.each([
    [['checkout'], /--prometheus <url> is required/],
    [['checkout', '--prometheus', 'ftp://x'], /must be an http\(s\) URL/],
    [
      ['checkout', '--prometheus', 'http://p', '--min-remaining', 'lots'],
      /--min-remaining must be a percentage from 0 to 100, got "lots"/,
    ],
    [
      ['checkout', '--prometheus', 'http://p', '--min-remaining', '150'],
      /--min-remaining must be a percentage/,
    ],
    [
      ['checkout', '--prometheus', 'http://p', '--at', 'yesterday'],
      /--at must be an RFC 3339 time/,
    ],
    [
      ['checkout', '--prometheus', 'http://p', '--format', 'xml'],
      /--format must be text or json/,
    ],
    [['a', 'b', '--prometheus', 'http://p'], /exactly one entity ref/],
    [['no such/ref/x', '--prometheus', 'http://p'], /neither an existing/],
    [['checkout', '--prometheus', 'http://p', '--bogus'], /Unknown option/],
  ])('%j is bad usage (exit 2)', async (args, message) => {
    const { code, err } = await run(args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toContain('Usage: redline budget');
  });

  it('refuses --catalog beside catalog files, and prints its help', async () => {
    const both = await run([
      catalog,
      '--catalog',
      catalog,
      '--prometheus',
      'http://p',
    ]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--catalog only applies to an entity ref/);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--fail-on-no-data/);
  });

  it('fails (exit 1) on an entity not in the catalog, a non-Component, or a Prometheus that does not answer', async () => {
    const closed = await closedPort();
    const base = [
      '--catalog',
      catalog,
      '--prometheus',
      `http://127.0.0.1:${closed}`,
    ];
    const missing = await run(['component:default/nope', ...base]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(
      /component:default\/nope is not in the catalog files at .*; nothing was gated/,
    );
    const system = await run(['system:shop', ...base]);
    expect(system.code).toBe(1);
    expect(system.err).toMatch(/is a System; only Components/);
    const down = await run(['checkout', ...base, '--at', AT]);
    expect(down.code).toBe(1);
    expect(down.err).toMatch(
      /FAIL component:default\/checkout availability SLO \(99\.9 % over 30 days, rolling\): not judged, Prometheus unreachable: Prometheus at http:\/\/127\.0\.0\.1:\d+ \(GET \/api\/v1\/query\) did not answer \(.*ECONNREFUSED/,
    );
  });
});

const promtool = requireBinary('promtool');

describeWithBinary('prometheus')(
  'redline budget on a backfilled Prometheus',
  prometheusBinary => {
    let prometheus: BackfilledPrometheus | undefined;
    let url: string;

    beforeAll(async () => {
      if (!promtool) throw new Error('promtool is required next to prometheus');
      prometheus = await startBackfilledPrometheus(
        { prometheus: prometheusBinary, promtool },
        {
          // An hour before the window, so `increase` sees its start.
          begin: END - 30 * DAY - 3600,
          end: END,
          step: 3600,
          services: {
            // 0.01 % of a 0.1 % budget: 90 % left.
            'checkout-api': { errorRatio: () => 0.0001 },
            // 0.2 %: twice the budget, -100 % left.
            'payments-api': { errorRatio: () => 0.002 },
          },
        },
      );
      url = prometheus.url;
      // eslint-disable-next-line no-console
      console.log(`budget test timings: ${JSON.stringify(prometheus.timings)}`);
    });
    afterAll(async () => {
      await prometheus?.stop();
    });

    const gate = (target: string, ...args: string[]) =>
      run([
        target,
        '--catalog',
        catalog,
        '--prometheus',
        url,
        '--at',
        AT,
        ...args,
      ]);

    it('passes a healthy budget and prints its numbers (exit 0)', async () => {
      const { code, out, err } = await gate('checkout');
      expect(code).toBe(0);
      expect(err).toBe('');
      expect(out).toContain('component:default/checkout:');
      expect(out).toContain(
        'availability 99.9 % over 30 days, rolling: meeting',
      );
      expect(out).toMatch(
        /attainment 99\.990 % of 25920\d{3} requests, budget remaining 90\.0 % \(2332\d requests, 38\.9 min\), burn rate 1h 0\.10 \/ 6h 0\.10/,
      );
      expect(out).toContain('PASS: ok: remaining 90.0 %');
      expect(out).toContain(
        `1 SLO(s) of 1 component(s) gated against ${url} at ${AT} (floor 0 %): 1 passed, 0 failed, 0 no data.`,
      );
    });

    it('fails an exhausted budget, naming entity, SLO and numbers (exit 1)', async () => {
      const { code, out, err } = await gate('component:default/payments');
      expect(code).toBe(1);
      expect(out).toContain(
        'availability 99.9 % over 30 days, rolling: exhausted',
      );
      expect(err).toMatch(
        /^redline budget: FAIL component:default\/payments availability SLO \(99\.9 % over 30 days, rolling\): error budget exhausted: remaining -100\.0 % \(-2592\d requests, -43\.2 min\), attainment 99\.800 %$/,
      );
    });

    it('--min-remaining 95 fails the healthy one with its numbers', async () => {
      const { code, err } = await gate('checkout', '--min-remaining', '95');
      expect(code).toBe(1);
      expect(err).toMatch(
        /FAIL component:default\/checkout availability SLO \(99\.9 % over 30 days, rolling\): error budget below the floor of 95 %: remaining 90\.0 %/,
      );
      expect((await gate('checkout', '--min-remaining', '89.5')).code).toBe(0);
    });

    it('says "no data" loudly, and fails on it only with --fail-on-no-data', async () => {
      const lenient = await gate('ghost');
      expect(lenient.code).toBe(0);
      expect(lenient.out).toContain('NO DATA: NO DATA, not judged: No series');
      expect(lenient.err).toMatch(
        /^redline budget: WARNING component:default\/ghost availability SLO .*: NO DATA, not judged: No series/,
      );
      const strict = await gate('ghost', '--fail-on-no-data');
      expect(strict.code).toBe(1);
      expect(strict.err).toMatch(
        /FAIL component:default\/ghost availability SLO .*: no data, and no data fails this gate: No series/,
      );
    });

    it('gates every Component of a folder, as JSON', async () => {
      const { code, out } = await run([
        catalog,
        '--prometheus',
        url,
        '--at',
        AT,
        '--format',
        'json',
      ]);
      expect(code).toBe(1);
      const report = JSON.parse(out) as BudgetJsonReport;
      expect(report).toMatchObject({
        passed: false,
        at: AT,
        minRemainingPercent: 0,
        failOnNoData: false,
      });
      const byRef = Object.fromEntries(
        report.entities.map(e => [e.entityRef, e]),
      );
      expect(Object.keys(byRef).sort()).toEqual([
        'component:default/checkout',
        'component:default/ghost',
        'component:default/payments',
      ]);
      const checkout = byRef['component:default/checkout'];
      expect(checkout.passed).toBe(true);
      expect(checkout.verdicts[0].remainingPercent).toBeCloseTo(90, 1);
      expect(checkout.slos[0].attainmentPercent).toBeCloseTo(99.99, 3);
      expect(checkout.slos[0]).not.toHaveProperty('burnDown');
      const payments = byRef['component:default/payments'];
      expect(payments.passed).toBe(false);
      expect(payments.verdicts[0]).toMatchObject({ outcome: 'fail' });
      expect(payments.verdicts[0].remainingPercent).toBeCloseTo(-100, 1);
      expect(byRef['component:default/ghost'].verdicts[0].outcome).toBe(
        'no-data',
      );
    });
  },
);
