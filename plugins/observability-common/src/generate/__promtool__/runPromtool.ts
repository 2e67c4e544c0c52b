/**
 * Test helper (Node only, never imported by the package's sources): writes
 * generated rule files to a temporary directory and runs the real
 * `promtool check rules` / `promtool test rules` on them. Reused by the
 * demo-catalog test, so it takes file contents, not specs.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { toYaml } from '../yamlWriter';

/** What promtool printed and whether it succeeded. */
export interface PromtoolResult {
  ok: boolean;
  status: number | null;
  output: string;
}

function run(promtool: string, args: string[], cwd: string): PromtoolResult {
  const res = spawnSync(promtool, args, {
    cwd,
    encoding: 'utf8',
    timeout: 240_000,
  });
  return {
    ok: res.status === 0,
    status: res.status,
    output: `${res.stdout ?? ''}${res.stderr ?? ''}${
      res.error ? String(res.error) : ''
    }`,
  };
}

/** Runs `fn` in a fresh temporary directory and removes it afterwards. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'redline-promtool-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `promtool check rules` on one or more rule files (name → YAML content).
 * All files go into one invocation, so hundreds of files cost one process.
 */
export function checkRules(
  promtool: string,
  files: Record<string, string>,
): PromtoolResult {
  return withTempDir(dir => {
    const names = Object.keys(files);
    for (const name of names)
      writeFileSync(join(dir, name), files[name], 'utf8');
    return run(promtool, ['check', 'rules', ...names], dir);
  });
}

/** One `promtool test rules` input series. */
export interface TestSeries {
  series: string;
  values: string;
}

/** One expected alert (labels and annotations must match exactly). */
export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations?: Record<string, string>;
}

/** One `promtool test rules` test group. */
export interface RuleTestGroup {
  name?: string;
  interval: string;
  input_series: TestSeries[];
  alert_rule_test?: Array<{
    eval_time: string;
    alertname: string;
    exp_alerts: ExpectedAlert[];
  }>;
  promql_expr_test?: Array<{
    expr: string;
    eval_time: string;
    exp_samples: Array<{ labels: string; value: number }>;
  }>;
}

/**
 * `promtool test rules` on `rules` (YAML), the test file built from `tests`
 * so the rules under test are exactly the generated ones. Weeks of history
 * are evaluated at `5m`: at `1m` they take minutes.
 */
export function testRules(
  promtool: string,
  rulesYaml: string,
  tests: RuleTestGroup[],
  evaluationInterval = '1m',
): PromtoolResult {
  return withTempDir(dir => {
    writeFileSync(join(dir, 'rules.yaml'), rulesYaml, 'utf8');
    const testFile = {
      rule_files: ['rules.yaml'],
      evaluation_interval: evaluationInterval,
      tests,
    };
    writeFileSync(join(dir, 'test.yaml'), toYaml(testFile), 'utf8');
    return run(promtool, ['test', 'rules', 'test.yaml'], dir);
  });
}

/** One case for {@link testRulesBatch}: a rule file and the tests run on it. */
export interface RuleTestCase {
  rulesYaml: string;
  tests: RuleTestGroup[];
  evaluationInterval?: string;
}

const UNIT_TESTING = /^Unit Testing: +(\S+)$/m;

/**
 * Splits `promtool test rules a.yaml b.yaml …` output into each file's part.
 * promtool writes "Unit Testing: <file>" to stdout and the failures to
 * stderr, so both streams must share one descriptor to keep their order.
 */
function splitByTestFile(output: string): Map<string, string> {
  const parts = new Map<string, string>();
  const sections = output.split(new RegExp(`(?=${UNIT_TESTING.source})`, 'm'));
  for (const section of sections) {
    const file = UNIT_TESTING.exec(section)?.[1];
    if (file) parts.set(file, section);
  }
  return parts;
}

/** Runs one promtool process with stdout and stderr in one file, in order. */
function runToFile(
  promtool: string,
  args: string[],
  dir: string,
  outputPath: string,
  timeoutMs: number,
): Promise<{ status: number | null; error?: Error }> {
  const fd = openSync(outputPath, 'w');
  return new Promise<{ status: number | null; error?: Error }>(resolve => {
    const child = spawn(promtool, args, {
      cwd: dir,
      stdio: ['ignore', fd, fd],
      timeout: timeoutMs,
      // PromQL evaluation over days of 1m samples is allocation-heavy: a
      // lazier garbage collector cut promtool's CPU time by a fifth here,
      // for about 250 MB of memory.
      env: { ...process.env, GOGC: process.env.GOGC ?? '400' },
    });
    child.once('error', error => resolve({ status: null, error }));
    child.once('exit', (code, signal) =>
      resolve({
        status: code,
        error: signal ? new Error(`promtool ended by ${signal}`) : undefined,
      }),
    );
  }).finally(() => closeSync(fd));
}

/** How long one case may take on a busy machine; a process gets this per case it runs. */
export const PROMTOOL_CASE_TIMEOUT_MS = 240_000;

/**
 * Many `promtool test rules` cases in a few promtool processes (one per core
 * by default), each case with its own rule file and test file, so each still
 * gets its own verdict and its own failure text. The cases' evaluation over
 * days of samples is the cost; the cores share it.
 */
export async function testRulesBatch(
  promtool: string,
  cases: Record<string, RuleTestCase>,
  processes = availableParallelism(),
): Promise<Record<string, PromtoolResult>> {
  const dir = mkdtempSync(join(tmpdir(), 'redline-promtool-'));
  try {
    const names = Object.keys(cases);
    const testFiles = names.map((name, i) => {
      const { rulesYaml, tests, evaluationInterval = '1m' } = cases[name];
      writeFileSync(join(dir, `rules-${i}.yaml`), rulesYaml, 'utf8');
      const testFile = {
        rule_files: [`rules-${i}.yaml`],
        evaluation_interval: evaluationInterval,
        tests,
      };
      writeFileSync(join(dir, `test-${i}.yaml`), toYaml(testFile), 'utf8');
      return `test-${i}.yaml`;
    });
    const count = Math.max(1, Math.min(processes, testFiles.length));
    const results: Array<[string, PromtoolResult]> = [];
    await Promise.all(
      Array.from({ length: count }, async (_, p) => {
        const share = testFiles.flatMap((file, i) =>
          i % count === p ? [{ file, name: names[i] }] : [],
        );
        const outputPath = join(dir, `output-${p}.txt`);
        const res = await runToFile(
          promtool,
          ['test', 'rules', ...share.map(c => c.file)],
          dir,
          outputPath,
          share.length * PROMTOOL_CASE_TIMEOUT_MS,
        );
        const output = `${readFileSync(outputPath, 'utf8')}${
          res.error ? String(res.error) : ''
        }`;
        const parts = splitByTestFile(output);
        for (const { file, name } of share) {
          const part = parts.get(file);
          // A case promtool never reached (crash, timeout) fails with
          // everything its process printed, so the cause is visible.
          const ok =
            part !== undefined &&
            /^ {2}SUCCESS$/m.test(part) &&
            !/^ {2}FAILED:$/m.test(part);
          results.push([
            name,
            {
              ok,
              status: ok ? 0 : res.status,
              output: part ?? `promtool did not test ${name}:\n${output}`,
            },
          ]);
        }
      }),
    );
    return Object.fromEntries(results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
