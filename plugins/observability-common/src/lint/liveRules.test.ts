/**
 * The backend lints live rules from Prometheus' `/api/v1/rules`. This loads
 * the fixture rule files into a real Prometheus and checks that linting what
 * the API returns (through fromPrometheusApiGroups) finds exactly what
 * linting the files finds — same rule ids, groups and rules — even though
 * Prometheus re-formats every expression and turns `for` into `duration`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { lintRuleFiles, lintRuleGroups } from './lint';
import { fromPrometheusApiGroups } from './prometheusApi';
import type { LintFinding } from './types';

jest.setTimeout(60_000);

const FIXTURES = join(__dirname, '__fixtures__');
/** Findings Prometheus never lets through: files with them do not load. */
const REFUSED = new Set([
  'rules/yaml-syntax',
  'rules/invalid-structure',
  'promql/syntax',
]);

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

const summary = (findings: LintFinding[]) =>
  findings
    .map(f => `${f.ruleId} ${f.location.group} ${f.location.rule}`)
    .sort();

describeWithBinary('prometheus')(
  'linting live rules from a real Prometheus',
  prometheus => {
    let dir: string;
    let child: ChildProcess;
    let url: string;
    let log = '';
    const files: Array<{ text: string; fileName: string }> = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'redline-live-rules-'));
      for (const name of readdirSync(FIXTURES)
        .filter(file => file.endsWith('.yaml'))
        .sort()) {
        const text = readFileSync(join(FIXTURES, name), 'utf8');
        const refused = lintRuleFiles([{ text, fileName: name }]).findings.some(
          f => REFUSED.has(f.ruleId),
        );
        if (refused || !/^groups:/m.test(text)) continue;
        writeFileSync(join(dir, name), text);
        files.push({ text, fileName: name });
      }
      writeFileSync(
        join(dir, 'prometheus.yml'),
        `global:\n  evaluation_interval: 1m\nrule_files:\n${files
          .map(f => `  - ${join(dir, f.fileName)}`)
          .join('\n')}\n`,
      );
      url = `http://127.0.0.1:${await freePort()}`;
      child = spawn(
        prometheus,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=${new URL(url).host}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout!.on('data', chunk => (log += chunk));
      child.stderr!.on('data', chunk => (log += chunk));
      for (let attempt = 0; ; attempt++) {
        if (child.exitCode !== null || attempt > 200)
          throw new Error(`prometheus did not start: ${log}`);
        try {
          if ((await fetch(`${url}/-/ready`)).ok) break;
        } catch {
          // not listening yet
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    });

    afterAll(async () => {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise(resolve => child.once('exit', resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it('finds the same problems in /api/v1/rules as in the files', async () => {
      const response = await (await fetch(`${url}/api/v1/rules`)).json();
      const groups = fromPrometheusApiGroups(response);
      const liveRuleCount = groups.reduce(
        (n, group) => n + group.rules.length,
        0,
      );

      const fromFiles = lintRuleFiles(files);
      expect(files.length).toBeGreaterThan(25);
      expect(liveRuleCount).toBe(fromFiles.ruleCount);

      const live = lintRuleGroups(groups, url);
      expect(live.length).toBeGreaterThan(10);
      expect(summary(live)).toEqual(summary(fromFiles.findings));
      for (const finding of live) {
        expect(finding.location).toEqual({
          file: url,
          group: expect.any(String),
          rule: expect.any(String),
        });
      }
    });
  },
);
