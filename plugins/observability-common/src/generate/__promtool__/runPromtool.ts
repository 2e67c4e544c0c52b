/**
 * Test helper (Node only, never imported by the package's sources): writes
 * generated rule files to a temporary directory and runs the real
 * `promtool check rules` / `promtool test rules` on them. Reused by the
 * demo-catalog test, so it takes file contents, not specs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
