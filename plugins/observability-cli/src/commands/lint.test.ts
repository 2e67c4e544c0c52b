import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LINT_RULES } from '@redline/backstage-plugin-observability-common';
import type { CliIo } from '../io';
import { generateCommand } from './generate';
import { LINT_EXIT_CODES, lintCommand } from './lint';

const BIN = resolve(__dirname, '../../bin/redline');
const CATALOG = resolve(__dirname, '../../../../catalog');

function recorder(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: l => stdout.push(l), err: l => stderr.push(l) };
}

const alert = (
  name: string,
  extra = '',
  annotations = '',
) => `      - alert: ${name}
        expr: sum(rate(http_requests_total{status=~"5.."}[5m])) / (sum(rate(http_requests_total[5m])) > 0) > 0.01
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: High error rate
          description: 'Error rate is {{ $value | humanizePercentage }}'
${annotations || `          runbook_url: https://runbooks.example.com/${name}`}
${extra}`;
const ruleFile = (...rules: string[]) =>
  `groups:\n  - name: g\n    rules:\n${rules.join('')}`;

const CLEAN = ruleFile(alert('HighErrorRate'));
const INFO_ONLY = ruleFile(
  alert(
    'HighErrorRate',
    '',
    '          runbook: https://runbooks.example.com/x',
  ),
);
const WARNING = ruleFile(
  alert('HighErrorRate').replace('        for: 5m\n', ''),
);
const ERROR = ruleFile(
  alert('HighErrorRate').replace('[5m])) > 0)', '[5m]) > 0)'),
);

describe('redline lint', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'redline-lint-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      'a clean file',
      CLEAN,
      LINT_EXIT_CODES.clean,
      /^No findings in 1 file \(1 rule\)$/,
    ],
    [
      'only info findings',
      INFO_ONLY,
      LINT_EXIT_CODES.clean,
      /^0 errors, 0 warnings, 1 info in 1 file/,
    ],
    [
      'a warning',
      WARNING,
      LINT_EXIT_CODES.warnings,
      /^0 errors, 1 warning, 0 info/,
    ],
    ['an error', ERROR, LINT_EXIT_CODES.errors, /^1 error, 0 warnings, 0 info/],
  ])('exits by severity: %s', async (_, text, code, summary) => {
    const io = recorder();
    expect(await lintCommand([write('rules.yaml', text)], io)).toBe(code);
    expect(io.stdout[io.stdout.length - 1]).toMatch(summary);
    expect(io.stderr).toEqual([]);
  });

  it('prints file:line:col severity ruleId message (fix: …)', async () => {
    const io = recorder();
    const path = write('rules.yaml', WARNING);
    await lintCommand([path], io);
    expect(io.stdout[0]).toBe(
      `${path}:4:9 warning alert/missing-for alert "HighErrorRate" has no "for", so a single evaluation above the threshold fires it (fix: add "for: 5m" (the seed alerts when the condition holds for 5 minutes))`,
    );
  });

  it('reports a PromQL syntax error at its file position', async () => {
    const io = recorder();
    const path = write('rules.yaml', ERROR);
    await lintCommand([path], io);
    expect(io.stdout[0]).toMatch(
      new RegExp(
        `^${path.replace(
          /[.*+?^${}()|[\]\\]/g,
          '\\$&',
        )}:5:\\d+ error promql/syntax .*\\(fix: `,
      ),
    );
  });

  it('writes JSON with --format json', async () => {
    const io = recorder();
    const path = write('rules.yaml', WARNING);
    expect(await lintCommand(['--format', 'json', path], io)).toBe(1);
    const output = JSON.parse(io.stdout.join('\n'));
    expect(output).toEqual({
      files: [path],
      ruleCount: 1,
      summary: { error: 0, warning: 1, info: 0 },
      findings: [
        {
          ruleId: 'alert/missing-for',
          severity: 'warning',
          message: expect.any(String),
          fix: expect.any(String),
          location: {
            file: path,
            group: 'g',
            rule: 'HighErrorRate',
            line: 4,
            column: 9,
          },
        },
      ],
      unreadable: [],
      skipped: [],
    });
  });

  it('walks folders, skipping YAML without rules, dot folders and node_modules', async () => {
    write('team-a/rules.yaml', CLEAN);
    write(
      'team-b/nested/more.yml',
      ruleFile(alert('HighErrorRate').replace('> 0.01', '> 0.05')),
    );
    write(
      'team-b/catalog-info.yaml',
      'apiVersion: backstage.io/v1alpha1\nkind: Component\n',
    );
    write('.git/rules.yaml', ERROR);
    write('node_modules/x/rules.yaml', ERROR);
    write('team-c/notes.txt', ERROR);
    const io = recorder();
    // Both files define HighErrorRate with the same labels and different thresholds.
    expect(await lintCommand([dir], io)).toBe(1);
    expect(io.stdout).toEqual([
      expect.stringMatching(
        /team-b\/nested\/more\.yml:4:9 warning rules\/duplicate-alert-name .*team-a\/rules\.yaml:4/,
      ),
      '0 errors, 1 warning, 0 info in 2 files (2 rules); 1 YAML file without rules skipped',
    ]);
  });

  it('lints a file named explicitly even when it holds no rules', async () => {
    const io = recorder();
    const path = write(
      'catalog-info.yaml',
      'apiVersion: backstage.io/v1alpha1\nkind: Component\n',
    );
    expect(await lintCommand([path], io)).toBe(2);
    expect(io.stdout[0]).toContain(
      'error rules/invalid-structure not a Prometheus rule file',
    );
  });

  it('reports unreadable paths with a message and exit 2, and still lints the rest', async () => {
    const io = recorder();
    const missing = join(dir, 'missing.yaml');
    expect(await lintCommand([missing, write('ok.yaml', CLEAN)], io)).toBe(2);
    expect(io.stderr).toEqual([
      `redline lint: cannot read ${missing}: no such file or directory`,
    ]);
    expect(io.stdout).toEqual(['No findings in 1 file (1 rule)']);
  });

  it('says so when a folder holds no rule files', async () => {
    write('catalog-info.yaml', 'kind: Component\n');
    const io = recorder();
    expect(await lintCommand([dir], io)).toBe(2);
    expect(io.stderr).toEqual([
      `redline lint: no rule files found in ${dir} (1 YAML file without "groups:" skipped)`,
    ]);
  });

  it.each([
    [[], 'give at least one rule file or folder'],
    [['--format', 'xml', 'x.yaml'], '--format must be text or json, got "xml"'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('rejects bad usage %j with exit 2', async (args, message) => {
    const io = recorder();
    expect(await lintCommand(args, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(message);
  });

  it('prints help and the rule catalogue', async () => {
    const help = recorder();
    expect(await lintCommand(['--help'], help)).toBe(0);
    expect(help.stdout[0]).toContain('Exit codes:');
    const list = recorder();
    expect(await lintCommand(['--list-rules'], list)).toBe(0);
    expect(list.stdout).toHaveLength(LINT_RULES.length);
    expect(list.stdout[0]).toMatch(
      /^rules\/yaml-syntax\s+error\s+YAML syntax error$/,
    );
  });

  it("passes Redline's own generated rules for the whole demo catalog (Prometheus, PrometheusRule and Loki files)", async () => {
    const generated = recorder();
    expect(
      await generateCommand([CATALOG, '--out', dir, '--quiet'], generated),
    ).toBe(0);
    const io = recorder();
    expect(await lintCommand(['--format', 'json', dir], io)).toBe(
      LINT_EXIT_CODES.clean,
    );
    const output = JSON.parse(io.stdout.join('\n'));
    expect(
      output.files.some((file: string) => file.endsWith('loki-rules.yaml')),
    ).toBe(true);
    expect(
      output.files.some((file: string) =>
        file.endsWith('prometheus-rule.crd.yaml'),
      ),
    ).toBe(true);
    expect(output.ruleCount).toBeGreaterThan(500);
    expect(output.findings).toEqual([]);
  });

  it('runs through bin/redline with the exit code and no stack trace', () => {
    const warning = write('warning.yaml', WARNING);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'lint', ...args], { encoding: 'utf8' });

    const linted = run(warning);
    expect(linted.status).toBe(1);
    expect(linted.stdout).toContain(`${warning}:4:9 warning alert/missing-for`);

    const unreadable = run(join(dir, 'nope'));
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr).toContain('redline lint: cannot read');
    expect(unreadable.stderr).not.toMatch(/\n\s+at /);
  });
});
