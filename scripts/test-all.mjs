#!/usr/bin/env node
/**
 * The README's test command (`npm test`): type-check, lint, every package's
 * API reports, unit tests, the end-to-end tests against a running portal,
 * then the adopter test (test/adopter: the packed plugins in a fresh
 * Backstage app). Each step's time is printed; the last line is a plain
 * "N passed, N failed" summary.
 *
 * `--only=unit,adopter` or `--skip=adopter` pick steps by id (tsc, lint, api,
 * unit, e2e, adopter), so CI can run parts of the suite on another Node;
 * `--unit-paths=plugins/a/,plugins/b/` limits the unit tests to those folders;
 * `--unit-skip=<regex>` leaves out the test files whose path matches it.
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

const STEP_IDS = ['tsc', 'lint', 'api', 'unit', 'e2e', 'adopter'];
/** The value of `--<flag>=value`, or undefined when the flag is absent. */
function flagValue(flag) {
  return process.argv
    .find(a => a.startsWith(`--${flag}=`))
    ?.slice(flag.length + 3);
}
function stepList(flag) {
  const value = flagValue(flag);
  if (value === undefined) return undefined;
  const ids = value.split(',').filter(Boolean);
  const unknown = ids.filter(id => !STEP_IDS.includes(id));
  if (unknown.length) {
    console.error(
      `--${flag}: unknown step ${unknown.join(', ')}; steps: ${STEP_IDS.join(
        ', ',
      )}`,
    );
    process.exit(2);
  }
  return ids;
}
const only = stepList('only');
const skip = stepList('skip') ?? [];
const wanted = id => (!only || only.includes(id)) && !skip.includes(id);
const unitPaths = flagValue('unit-paths')?.split(',').filter(Boolean) ?? [];
const unitSkip = flagValue('unit-skip');

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

/**
 * The counts, and a line per failing test or suite: CI keeps only the tail of
 * a long log, so the summary itself must name what failed.
 */
function readJestReport() {
  try {
    const report = JSON.parse(readFileSync(jestReport, 'utf8'));
    rmSync(jestReport, { force: true });
    const failures = [];
    for (const suite of report.testResults ?? []) {
      const file = suite.name.startsWith(root)
        ? suite.name.slice(root.length)
        : suite.name;
      const failedTests = (suite.assertionResults ?? []).filter(
        t => t.status === 'failed',
      );
      for (const test of failedTests)
        failures.push(
          `${file}: ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`,
        );
      if (!failedTests.length && suite.status === 'failed')
        failures.push(`${file}: ${firstLine(suite.message)}`);
    }
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + report.numRuntimeErrorTestSuites,
      failures,
    };
  } catch {
    return { passed: 0, failed: 1, failures: ['no Jest report was written'] };
  }
}

/** The first non-blank line of a failure message, without colour codes. */
function firstLine(message = '') {
  const line =
    message
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .map(l => l.trim())
      .find(l => l && !l.startsWith('●')) ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

const results = [];
if (wanted('tsc'))
  results.push(await run('type-check', 'npx', ['tsc', '--noEmit']));
if (wanted('lint'))
  results.push(await run('lint', 'npx', ['backstage-cli', 'repo', 'lint']));
// Fails when a plugin's public API changed and its report.api.md was not
// regenerated (`npm run build:api-reports`), so API changes show in review.
if (wanted('api'))
  results.push(await run('api reports', 'npm', ['run', 'check:api-reports']));
let unit = { passed: 0, failed: 0, failures: [] };
if (wanted('unit')) {
  results.push(
    await run(
      'unit tests',
      'npx',
      [
        'backstage-cli',
        'repo',
        'test',
        '--json',
        `--outputFile=${jestReport}`,
        ...unitPaths,
        // Last: the option takes a list, so paths after it would join it.
        ...(unitSkip ? [`--testPathIgnorePatterns=${unitSkip}`] : []),
      ],
      { CI: 'true' },
    ),
  );
  unit = readJestReport();
}
let e2eCounts = { passed: 0, failed: 0 };
if (wanted('e2e')) {
  const e2e = await run('end-to-end', 'node', ['test/e2e/run.mjs']);
  results.push(e2e);
  try {
    e2eCounts = JSON.parse(
      readFileSync(join(root, 'test/e2e/artifacts/summary.json'), 'utf8'),
    );
  } catch {
    e2eCounts = { passed: 0, failed: e2e.ok ? 0 : 1 };
  }
}
// One test: the plugins as an adopter gets them; its log names the failing step.
let adopterPassed = 0;
if (wanted('adopter')) {
  const adopter = await run('adopter', 'node', ['test/adopter/run.mjs']);
  results.push(adopter);
  if (adopter.ok) adopterPassed = 1;
}
console.log('\n=== summary');
for (const r of results)
  console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name} (${r.seconds} s)`);
for (const failure of unit.failures) console.log(`FAILED test ${failure}`);
const stepFailures = results.filter(
  r => !r.ok && r.name !== 'unit tests' && r.name !== 'end-to-end',
).length;
const passed = unit.passed + e2eCounts.passed + adopterPassed;
const failed = unit.failed + e2eCounts.failed + stepFailures;
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every(r => r.ok) ? 0 : 1);
