import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { observabilityOutputSchema } from '@redline/backstage-plugin-observability-common';
import { parse } from 'yaml';
import { main } from '../index';
import type { CliIo } from '../io';

const REPO_ROOT = resolve(__dirname, '../../../..');
const BIN = join(REPO_ROOT, 'plugins/observability-cli/bin/redline');

function recorder(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: l => stdout.push(l), err: l => stderr.push(l) };
}

const CHECKOUT = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  annotations:
    redline.dev/slo-availability: '99.9'
    redline.dev/log-selector: '{app="checkout"}'
    redline.dev/slack-channel: '#payments-alerts'
    pagerduty.com/integration-key: abc123
spec:
  type: service
  lifecycle: production
  owner: payments
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: cart
  annotations:
    redline.dev/error-rate-threshold: 'lots'
spec:
  type: service
  lifecycle: production
  owner: payments
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
spec:
  type: team
  children: []
`;

describe('redline generate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'redline-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every artifact per Component and prints findings', async () => {
    const file = join(dir, 'catalog-info.yaml');
    writeFileSync(file, CHECKOUT);
    const out = join(dir, 'out');
    const io = recorder();
    const code = await main(
      [
        'generate',
        file,
        '--out',
        out,
        '--base-url',
        'https://portal.example.com',
      ],
      io,
    );
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'alertmanager',
      'cart',
      'checkout',
    ]);
    const files = readdirSync(join(out, 'checkout')).sort();
    expect(files).toEqual([
      'alertmanager.yaml',
      'grafana-dashboard.json',
      'loki-rules.yaml',
      'observability.json',
      'otel-collector.yaml',
      'prometheus-rule.crd.yaml',
      'prometheus-rules.yaml',
      'runbooks',
    ]);
    expect(readdirSync(join(out, 'checkout', 'runbooks'))).toContain(
      'HighErrorRate.md',
    );
    const output = JSON.parse(
      readFileSync(join(out, 'checkout', 'observability.json'), 'utf8'),
    );
    expect(observabilityOutputSchema.safeParse(output).success).toBe(true);
    const rules = parse(
      readFileSync(join(out, 'checkout', 'prometheus-rules.yaml'), 'utf8'),
    );
    const highErrorRate = rules.groups
      .flatMap((g: { rules: Array<Record<string, unknown>> }) => g.rules)
      .find((r: Record<string, unknown>) => r.alert === 'HighErrorRate');
    expect(
      (highErrorRate.annotations as Record<string, string>).runbook_url,
    ).toMatch(
      /^https:\/\/portal\.example\.com\/observability\/runbooks\/default\/component\/checkout\/HighErrorRate$/,
    );
    const log = io.stdout.join('\n');
    expect(log).toMatch(
      /✓ component:default\/checkout → .*checkout \(\d+ files, \d+ alerts, LOGGING_ONLY/,
    );
    expect(log).toMatch(
      /error +annotation\.invalid \(redline\.dev\/error-rate-threshold\)/,
    );
    expect(log).toContain('2 of 2 components generated');
    // Secrets in the catalog are never written out.
    expect(
      readFileSync(join(out, 'checkout', 'alertmanager.yaml'), 'utf8'),
    ).not.toContain('abc123');
  });

  it('reads a folder recursively', async () => {
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'b', 'catalog-info.yml'), CHECKOUT);
    writeFileSync(join(dir, 'a', 'notes.txt'), 'not yaml');
    const io = recorder();
    expect(
      await main(['generate', join(dir, 'a'), '-o', join(dir, 'out')], io),
    ).toBe(0);
    expect(existsSync(join(dir, 'out', 'cart', 'prometheus-rules.yaml'))).toBe(
      true,
    );
  });

  it('exits 1 with a readable message on a missing path or invalid YAML, writing nothing', async () => {
    const io = recorder();
    expect(
      await main(
        ['generate', join(dir, 'nope.yaml'), '--out', join(dir, 'out')],
        io,
      ),
    ).toBe(1);
    expect(io.stderr[0]).toMatch(/nope\.yaml: no such file or folder$/);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `${CHECKOUT}---\nkind: [unclosed\n`);
    const io2 = recorder();
    expect(await main(['generate', bad, '--out', join(dir, 'out')], io2)).toBe(
      1,
    );
    expect(io2.stderr[0]).toMatch(/bad\.yaml:\d+:\d+: invalid YAML: /);
    expect(io2.stderr.at(-1)).toContain('nothing was written');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('exits 1 when there is no Component, and 2 on usage errors', async () => {
    const groupOnly = join(dir, 'org.yaml');
    writeFileSync(
      groupOnly,
      'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: x\nspec: {type: team, children: []}\n',
    );
    const io = recorder();
    expect(
      await main(['generate', groupOnly, '--out', join(dir, 'o')], io),
    ).toBe(1);
    expect(io.stderr[0]).toContain('no Component entities');

    const notEntity = join(dir, 'list.yaml');
    writeFileSync(notEntity, '- a\n- b\n');
    const io2 = recorder();
    expect(
      await main(['generate', notEntity, '--out', join(dir, 'o')], io2),
    ).toBe(1);
    expect(io2.stderr[0]).toContain('not a catalog entity');

    const io3 = recorder();
    expect(await main(['generate', groupOnly], io3)).toBe(2);
    expect(io3.stderr[0]).toContain('--out <dir> is required');
    expect(
      await main(
        ['generate', groupOnly, '--out', 'x', '--base-url', 'ftp://x'],
        recorder(),
      ),
    ).toBe(2);
    expect(await main(['generate', '--bogus'], recorder())).toBe(2);
    expect(await main(['frobnicate'], recorder())).toBe(2);
  });

  it('keeps two services with the same name apart', async () => {
    const file = join(dir, 'dupes.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: api, namespace: a}\nspec: {type: service, owner: t, lifecycle: production}',
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: api, namespace: b}\nspec: {type: service, owner: t, lifecycle: production}',
      ].join('\n---\n'),
    );
    const io = recorder();
    expect(await main(['generate', file, '--out', join(dir, 'out')], io)).toBe(
      0,
    );
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([
      'a-api',
      'alertmanager',
      'b-api',
    ]);
    // Their own names apart, they still select the same raw series.
    expect(io.stdout).toContainEqual(
      expect.stringMatching(
        /catalog\.selector-overlap.*\[entities: component:a\/api, component:b\/api\]$/,
      ),
    );
  });

  it('writes one Alertmanager config for the catalog and one per team', async () => {
    const file = join(dir, 'teams.yaml');
    const component = (name: string, owner: string, webhook: string) =>
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    redline.dev/alert-webhook: ${webhook}\nspec: {type: service, owner: ${owner}, lifecycle: production}`;
    writeFileSync(
      file,
      [
        component('alertmanager', 'payments', 'https://hooks.example.com/a'),
        component('cart', 'payments', 'https://hooks.example.com/b'),
        component(
          'search',
          'group:default/search',
          'https://hooks.example.com/s',
        ),
      ].join('\n---\n'),
    );
    const out = join(dir, 'out');
    const io = recorder();
    expect(await main(['generate', file, '--out', out], io)).toBe(0);

    // A service called "alertmanager" does not take the catalog's folder.
    expect(readdirSync(out).sort()).toEqual([
      'alertmanager',
      expect.stringMatching(/^alertmanager-[0-9a-z]+$/),
      'cart',
      'search',
    ]);
    const catalog = parse(
      readFileSync(join(out, 'alertmanager', 'alertmanager.yaml'), 'utf8'),
    );
    expect(
      catalog.route.routes.map((r: { matchers: string[] }) => r.matchers),
    ).toEqual([['team="payments"'], ['team="search"']]);
    // With each team's Watchdog heartbeat receiver.
    expect(catalog.receivers.map((r: { name: string }) => r.name)).toEqual([
      'redline-default',
      'payments-ticket',
      'payments-heartbeat',
      'search-ticket',
      'search-heartbeat',
    ]);
    expect(readdirSync(join(out, 'alertmanager', 'teams')).sort()).toEqual([
      'payments.yaml',
      'search.yaml',
    ]);
    const search = parse(
      readFileSync(join(out, 'alertmanager', 'teams', 'search.yaml'), 'utf8'),
    );
    expect(search.receivers.map((r: { name: string }) => r.name)).toEqual([
      'redline-default',
      'search-ticket',
      'search-heartbeat',
    ]);
    const log = io.stdout.join('\n');
    expect(log).toContain('✓ Alertmanager config for 2 teams');
    expect(log).toMatch(
      /warning alertmanager\.receiver-conflict: .*\[entities: component:default\/alertmanager, component:default\/cart\]/,
    );
  });
});

describe('bin/redline', () => {
  it('runs from the repository root with --help and reports errors without a stack trace', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: redline <command>');

    const missing = spawnSync(
      process.execPath,
      [BIN, 'generate', 'does-not-exist', '--out', '/tmp/x'],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('does-not-exist: no such file or folder');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
