/**
 * `redline backtest` against a stand-in Prometheus whose answers are
 * fixed: the command's exit codes, budget and printed figures. The episode
 * logic itself is proven against a real, backfilled Prometheus and promtool
 * in the backend's `backtest.backfilled.test.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CliIo } from '../io';
import { backtestCommand, type BacktestJsonReport } from './backtest';

const END = Date.UTC(2026, 9, 8) / 1000;
const BURSTS = [END - 3 * 86_400, END - 86_400];

/**
 * Every range query answers two 20-minute runs of samples (so an alert with
 * `for: 5m` fires twice for 15 minutes); ALERTS answers nothing; the
 * presence query says every selector has data.
 */
function fakePrometheus(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const query = url.searchParams.get('query') ?? '';
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/api/v1/query') {
      const result = Array.from({ length: 20 }, (_, i) => ({
        metric: { redline_selector: String(i) },
        value: [END, '1'],
      }));
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result },
        }),
      );
      return;
    }
    const values = query.includes('ALERTS')
      ? []
      : BURSTS.flatMap(from =>
          Array.from({ length: 20 }, (_, i) => [from + i * 60, '1']),
        );
    res.end(
      JSON.stringify({
        status: 'success',
        data: {
          resultType: 'matrix',
          result: values.length
            ? [{ metric: { service: 'checkout' }, values }]
            : [],
        },
      }),
    );
  });
}

function recorder(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: l => stdout.push(l), err: l => stderr.push(l) };
}

let server: Server;
let url: string;
let catalog: string;

beforeAll(async () => {
  server = fakePrometheus();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  catalog = mkdtempSync(join(tmpdir(), 'redline-backtest-'));
  writeFileSync(
    join(catalog, 'catalog-info.yaml'),
    stringify({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout',
        annotations: { 'redline.dev/error-rate-threshold': '0.5' },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
    }),
  );
});

afterAll(async () => {
  await new Promise(r => server.close(r));
  rmSync(catalog, { recursive: true, force: true });
});

async function run(args: string[]) {
  const io = recorder();
  const code = await backtestCommand(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const AT = ['--at', String(END)];

describe('redline backtest', () => {
  it('prints how often each alert would have fired, and passes within the budget', async () => {
    const { code, out, err } = await run([
      'checkout',
      '--catalog',
      catalog,
      '--prometheus',
      url,
      ...AT,
      '--max-per-week',
      '2',
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('component:default/checkout: last 7 days');
    expect(out).toContain(
      'HighErrorRate (for 5m): would have fired 2× in 7 days, 30 min in all, longest 15 min; ALERTS recorded 0×, 0 min',
    );
    expect(out).toContain('2026-10-05T00:05Z for 15 min');
  });

  it('fails above --max-per-week, naming the alert, and prints JSON on request', async () => {
    const { code, out, err } = await run([
      catalog,
      '--prometheus',
      url,
      ...AT,
      '--max-per-week',
      '1',
      '--format',
      'json',
    ]);
    expect(code).toBe(1);
    expect(err).toContain(
      'FAIL component:default/checkout HighErrorRate would have fired 2× in 7 days, above 1 per week',
    );
    const report = JSON.parse(out) as BacktestJsonReport;
    expect(report.passed).toBe(false);
    const errors = report.entities[0].alerts.find(
      a => a.key === 'HighErrorRate',
    )!;
    expect(errors).toMatchObject({
      status: 'evaluated',
      fired: 2,
      firingMinutes: 30,
    });
  });

  it('scales the budget to the window: 2 firings in 14 days are 1 a week', async () => {
    const { code } = await run([
      catalog,
      '--prometheus',
      url,
      ...AT,
      '--days',
      '14',
      '--max-per-week',
      '1',
    ]);
    expect(code).toBe(0);
  });

  it.each([
    [['--days', '0'], '--days must be a whole number from 1 to 30'],
    [['--days', '31'], '--days must be a whole number from 1 to 30'],
    [['--days', '7d'], '--days must be a whole number from 1 to 30'],
    [['--max-per-week', 'many'], '--max-per-week must be a number'],
    [['--at', 'yesterday'], '--at must be an RFC 3339 time'],
  ])('refuses %j as bad usage', async (extra, message) => {
    const { code, err } = await run([catalog, '--prometheus', url, ...extra]);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('fails when Prometheus does not answer', async () => {
    const { code, err } = await run([
      catalog,
      '--prometheus',
      'http://127.0.0.1:9',
      ...AT,
    ]);
    expect(code).toBe(1);
    expect(err).toContain('FAIL component:default/checkout HighErrorRate');
  });
});
