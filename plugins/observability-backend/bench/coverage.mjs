#!/usr/bin/env node
/**
 * Coverage benchmark: evaluates a synthetic 10 000-entity catalog with the
 * real CoverageEvaluator, then drives the coverage routes with autocannon on
 * loopback and prints p50 / p99 latency and requests per second.
 *
 *   node plugins/observability-backend/bench/coverage.mjs
 *     [--entities 10000] [--duration 10] [--connections 10] [--json]
 *
 * The server runs in a child process (through Backstage's node transform, as
 * `backstage-cli package start` runs the backend), so the load generator
 * does not share its event loop. `runCoverageBench()` is exported for
 * `bench/api.mjs`.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The routes and queries a coverage page and its users actually make. */
export const COVERAGE_SCENARIOS = [
  { name: 'GET /coverage (first page)', path: '/coverage' },
  {
    name: 'GET /coverage filtered + sorted',
    path: '/coverage?owner=team-7,team-8&lifecycle=production&sort=confidence&order=desc&pageSize=50',
  },
  {
    name: 'GET /coverage deep page',
    path: '/coverage?sort=failingChecks&order=desc&page=150&pageSize=50',
  },
  { name: 'GET /coverage search', path: '/coverage?q=svc-09&tier=tier-1' },
  { name: 'GET /coverage/history', path: '/coverage/history' },
  { name: 'GET /coverage/history?team', path: '/coverage/history?team=team-3' },
  {
    name: 'GET /coverage/export.csv (all rows)',
    path: '/coverage/export.csv',
    heavy: true,
  },
];

function parseArgs(argv) {
  const args = { entities: 10_000, duration: 10, connections: 10, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') args.json = true;
    else if (['--entities', '--duration', '--connections'].includes(arg)) {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value <= 0) {
        throw new Error(`${arg} needs a positive number`);
      }
      args[arg.slice(2)] = value;
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  return args;
}

/** Starts the bench server; resolves with its port and evaluation figures. */
export function startCoverageServer({ entities }) {
  const transform = require.resolve('@backstage/cli/config/nodeTransform.cjs');
  const child = spawn(
    process.execPath,
    ['--require', transform, join(here, 'coverageServer.ts')],
    {
      cwd: join(here, '..'),
      env: {
        ...process.env,
        NODE_ENV: 'production',
        REDLINE_BENCH_ENTITIES: String(entities),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', chunk => {
      buffer += chunk;
      const line = buffer.split('\n').find(l => l.startsWith('{'));
      if (line) {
        const info = JSON.parse(line);
        resolve({ ...info, stop: () => child.kill('SIGTERM') });
      }
    });
    child.on('exit', code =>
      reject(new Error(`bench server exited with ${code}`)),
    );
    child.on('error', reject);
  });
}

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/**
 * Runs every scenario against a server on `baseUrl` (the plugin's base, e.g.
 * `http://127.0.0.1:7007/api/observability`), with `headers` for auth.
 */
export async function runCoverageScenarios({
  baseUrl,
  headers = {},
  duration = 10,
  connections = 10,
}) {
  const results = [];
  for (const scenario of COVERAGE_SCENARIOS) {
    const result = await cannon({
      url: `${baseUrl}${scenario.path}`,
      headers,
      connections: scenario.heavy ? Math.min(2, connections) : connections,
      duration: scenario.heavy
        ? Math.max(3, Math.round(duration / 2))
        : duration,
    });
    const ok = result['2xx'];
    results.push({
      scenario: scenario.name,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      reqPerSec: Math.round(result.requests.average * 10) / 10,
      ok,
    });
  }
  return results;
}

export function printTable(title, rows) {
  console.log(`\n${title}`);
  console.log(
    `${'scenario'.padEnd(40)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(
      8,
    )} ${'req/s'.padStart(9)} ${'requests'.padStart(9)} ${'non-2xx'.padStart(
      8,
    )}`,
  );
  for (const r of rows) {
    console.log(
      `${r.scenario.padEnd(40)} ${String(r.p50Ms).padStart(8)} ${String(
        r.p99Ms,
      ).padStart(8)} ${String(r.reqPerSec).padStart(9)} ${String(
        r.requests,
      ).padStart(9)} ${String(r.non2xx + r.errors).padStart(8)}`,
    );
  }
}

/** The whole benchmark: evaluate, serve, drive, report. */
export async function runCoverageBench({
  entities = 10_000,
  duration = 10,
  connections = 10,
} = {}) {
  const server = await startCoverageServer({ entities });
  try {
    const results = await runCoverageScenarios({
      baseUrl: `http://127.0.0.1:${server.port}/api/observability`,
      duration,
      connections,
    });
    return { evaluation: server.evaluation, results };
  } finally {
    server.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs(process.argv.slice(2));
  console.log(
    `Coverage benchmark: ${args.entities} entities, ${args.connections} connections, ${args.duration}s per scenario (loopback, ${process.version})`,
  );
  const { evaluation, results } = await runCoverageBench(args);
  if (args.json) {
    console.log(JSON.stringify({ evaluation, results }, null, 2));
  } else {
    console.log(
      `\nEvaluation: ${evaluation.entities} entities in ${evaluation.pages} pages of ${evaluation.pageSize}: ${evaluation.seconds} s wall, ${evaluation.cpuSeconds} s CPU (${evaluation.entitiesPerSecond} entities/s), ${evaluation.described} described, ${evaluation.failed} failed, peak RSS ${evaluation.peakRssMb} MB`,
    );
    for (const [label, run] of [
      ['next run', evaluation.nextRun],
      ['first run after a restart', evaluation.firstAfterRestart],
    ])
      console.log(
        `  ${label}: ${run.seconds} s wall, ${run.cpuSeconds} s CPU, ${run.described} described`,
      );
    printTable('Coverage routes', results);
  }
  const failed = results.filter(r => r.non2xx + r.errors > 0);
  if (failed.length) {
    console.error(
      `\n${failed.length} scenario(s) had non-2xx answers or errors`,
    );
    process.exitCode = 1;
  }
}
