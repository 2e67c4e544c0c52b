#!/usr/bin/env node
/**
 * The README's test command (`npm test`): type-check, lint, every package's
 * unit tests, then the end-to-end tests against a running portal. Each step's
 * time is printed; the last line is a plain "N passed, N failed" summary.
 *
 * Unit tests run with CI set, because `backstage-cli repo test` otherwise
 * enters watch mode and never returns.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const jestReport = join(tmpdir(), `redline-jest-${process.pid}.json`);

function run(name, command, args, env = {}) {
  return new Promise(resolve => {
    const started = Date.now();
    console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
    const child = spawn(command, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('close', code => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `=== ${name}: ${
          code === 0 ? 'ok' : `FAILED (exit ${code})`
        } in ${seconds} s`,
      );
      resolve({ name, ok: code === 0, seconds });
    });
  });
}

function readJestCounts() {
  try {
    const report = JSON.parse(readFileSync(jestReport, 'utf8'));
    rmSync(jestReport, { force: true });
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + report.numRuntimeErrorTestSuites,
    };
  } catch {
    return { passed: 0, failed: 1 };
  }
}

const results = [];
results.push(await run('type-check', 'npx', ['tsc', '--noEmit']));
results.push(await run('lint', 'npx', ['backstage-cli', 'repo', 'lint']));
results.push(
  await run(
    'unit tests',
    'npx',
    ['backstage-cli', 'repo', 'test', '--json', `--outputFile=${jestReport}`],
    { CI: 'true' },
  ),
);
const unit = readJestCounts();
const e2e = await run('end-to-end', 'node', ['test/e2e/run.mjs']);
results.push(e2e);

const e2eCounts = (() => {
  try {
    return JSON.parse(
      readFileSync(join(root, 'test/e2e/artifacts/summary.json'), 'utf8'),
    );
  } catch {
    return { passed: 0, failed: e2e.ok ? 0 : 1 };
  }
})();

console.log('\n=== summary');
for (const r of results)
  console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.seconds} s)`);
const stepFailures = results.filter(
  r => !r.ok && r.name !== 'unit tests' && r.name !== 'end-to-end',
).length;
const passed = unit.passed + e2eCounts.passed;
const failed = unit.failed + e2eCounts.failed + stepFailures;
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every(r => r.ok) ? 0 : 1);
