#!/usr/bin/env node
/**
 * API benchmark: drives the entity routes and the coverage routes with
 * autocannon over a synthetic 10 000-entity catalog on loopback and prints
 * p50 / p99 latency and requests per second.
 *
 *   node plugins/observability-backend/bench/api.mjs
 *     [--entities 10000] [--duration 10] [--connections 10] [--only entity|coverage] [--json]
 *     [--scenario <part of a name>] [--cpu-prof <dir>]   (V8 CPU profile of the entity server)
 *
 * Entity routes: the real router and services (bench/entityServer.ts) in a
 * child process, each request for a random entity of the catalog, with a
 * live Prometheus and Alertmanager (small fakes in this process answering
 * like the real APIs) so the entity view does its real outbound work: one
 * cached /api/v1/rules per TTL, series and RED queries per view.
 * Coverage routes: bench/coverage.mjs (evaluation of the whole catalog, then
 * the coverage table, history and export).
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, runCoverageBench } from './coverage.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const args = {
    entities: 10_000,
    duration: 10,
    connections: 10,
    json: false,
    only: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') args.json = true;
    else if (arg === '--cpu-prof') args.cpuProf = argv[++i];
    else if (arg === '--scenario') args.scenario = argv[++i];
    else if (arg === '--only') {
      args.only = argv[++i];
      if (!['entity', 'coverage'].includes(args.only))
        throw new Error('--only takes entity or coverage');
    } else if (['--entities', '--duration', '--connections'].includes(arg)) {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value <= 0)
        throw new Error(`${arg} needs a positive number`);
      args[arg.slice(2)] = value;
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  return args;
}

/** Answers like Prometheus' HTTP API with small, plausible data. */
function fakePrometheus(entities) {
  const groups = [];
  // Rules for every tenth service are "loaded", so the rules index is realistic in size.
  for (let i = 0; i < entities; i += 10) {
    const service = `svc-${String(i).padStart(5, '0')}`;
    groups.push({
      name: `redline-${service}`,
      file: `/etc/prometheus/rules/redline-${service}.yaml`,
      rules: [
        {
          type: 'alerting',
          name: 'HighErrorRate',
          query: 'x',
          labels: { service, severity: 'critical' },
          state: 'inactive',
          alerts: [],
        },
        {
          type: 'alerting',
          name: 'HighLatency',
          query: 'x',
          labels: { service, severity: 'warning' },
          state: 'inactive',
          alerts: [],
        },
      ],
    });
  }
  const rules = JSON.stringify({ status: 'success', data: { groups } });
  const ok = data => JSON.stringify({ status: 'success', data });
  return http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    res.setHeader('content-type', 'application/json');
    switch (url.pathname) {
      case '/api/v1/rules':
        res.end(rules);
        return;
      case '/api/v1/series':
        res.end(
          ok([
            { __name__: 'http_requests_total' },
            { __name__: 'http_request_duration_seconds_bucket' },
          ]),
        );
        return;
      case '/api/v1/query':
        res.end(
          ok({
            resultType: 'vector',
            result: [{ metric: {}, value: [Date.now() / 1000, '0.12'] }],
          }),
        );
        return;
      case '/api/v1/query_range': {
        const values = Array.from({ length: 12 }, (_, k) => [
          k * 300,
          String(0.1 + k / 100),
        ]);
        res.end(ok({ resultType: 'matrix', result: [{ metric: {}, values }] }));
        return;
      }
      default:
        res.statusCode = 404;
        res.end('{}');
    }
  });
}

/** Answers like Alertmanager's /api/v2/alerts: a few alerts for some services. */
function fakeAlertmanager() {
  return http.createServer((req, res) => {
    const filter =
      new URL(req.url, 'http://x').searchParams.get('filter') ?? '';
    const service = /service="([^"]+)"/.exec(filter)?.[1] ?? 'unknown';
    const firing = Number(service.slice(-1)) % 3 === 0;
    const alerts = firing
      ? [1, 2, 3].map(n => ({
          fingerprint: `${service}-${n}`,
          labels: {
            alertname: 'HighErrorRate',
            service,
            severity: 'critical',
            instance: `pod-${n}`,
          },
          annotations: {},
          startsAt: new Date().toISOString(),
          status: { state: 'active' },
        }))
      : [];
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(alerts));
  });
}

function listen(server) {
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${server.address().port}`),
    ),
  );
}

function startEntityServer({
  entities,
  prometheusUrl,
  alertmanagerUrl,
  cpuProf,
}) {
  const transform = require.resolve('@backstage/cli/config/nodeTransform.cjs');
  // --cpu-prof <dir>: write a V8 CPU profile of the server for the flame graph.
  const profile = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--require', transform, join(here, 'entityServer.ts')],
    {
      cwd: join(here, '..'),
      env: {
        ...process.env,
        NODE_ENV: 'production',
        REDLINE_BENCH_ENTITIES: String(entities),
        REDLINE_BENCH_PROMETHEUS_URL: prometheusUrl,
        REDLINE_BENCH_ALERTMANAGER_URL: alertmanagerUrl,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', chunk => {
      buffer += chunk;
      const line = buffer.split('\n').find(l => l.startsWith('{'));
      if (line)
        resolve({ ...JSON.parse(line), stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', code =>
      reject(new Error(`entity bench server exited with ${code}`)),
    );
    child.on('error', reject);
  });
}

/** The entity routes the Observability tab, downloads and the design form call. */
function entityScenarios(entities) {
  const randomEntity = () =>
    `/entity/component/default/svc-${String(
      Math.floor(Math.random() * entities),
    ).padStart(5, '0')}`;
  return [
    { name: 'GET /entity/…/red', path: () => `${randomEntity()}/red` },
    { name: 'GET /entity/… (full view, live)', path: () => randomEntity() },
    {
      name: 'GET /entity/…/artifacts/prometheus-rules',
      path: () => `${randomEntity()}/artifacts/prometheus-rules`,
    },
    {
      name: 'GET /entity/…/runbooks/HighErrorRate',
      path: () => `${randomEntity()}/runbooks/HighErrorRate`,
    },
    { name: 'GET /entity/…/alerts', path: () => `${randomEntity()}/alerts` },
    {
      name: 'GET /entity/…/bundle.zip',
      path: () => `${randomEntity()}/bundle.zip`,
      heavy: true,
    },
    {
      name: 'POST /design',
      method: 'POST',
      path: () => '/design',
      body: () =>
        JSON.stringify({
          query: 'Design metrics and alerting for this service',
          context: {
            observability_pillar: 'metrics',
            stack: 'prometheus-grafana',
            environment: 'production',
          },
          entityRef: `component:default/svc-${String(
            Math.floor(Math.random() * entities),
          ).padStart(5, '0')}`,
        }),
    },
  ];
}

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

export async function runEntityBench({
  entities = 10_000,
  duration = 10,
  connections = 10,
  cpuProf,
  scenario: only,
} = {}) {
  const prometheus = fakePrometheus(entities);
  const alertmanager = fakeAlertmanager();
  const [prometheusUrl, alertmanagerUrl] = await Promise.all([
    listen(prometheus),
    listen(alertmanager),
  ]);
  const server = await startEntityServer({
    entities,
    prometheusUrl,
    alertmanagerUrl,
    cpuProf,
  });
  const baseUrl = `http://127.0.0.1:${server.port}/api/observability`;
  const results = [];
  try {
    for (const scenario of entityScenarios(entities).filter(
      s => !only || s.name.includes(only),
    )) {
      const result = await cannon({
        url: baseUrl,
        connections: scenario.heavy ? Math.min(4, connections) : connections,
        duration,
        requests: [
          {
            method: scenario.method ?? 'GET',
            headers: { 'content-type': 'application/json' },
            setupRequest: request => ({
              ...request,
              path: `/api/observability${scenario.path()}`,
              ...(scenario.body ? { body: scenario.body() } : {}),
            }),
          },
        ],
      });
      results.push({
        scenario: scenario.name,
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        reqPerSec: Math.round(result.requests.average * 10) / 10,
      });
    }
    // How many /api/v1/rules calls the whole run cost (the cache at work).
    return { results, server: { entities: server.entities } };
  } finally {
    server.stop();
    prometheus.close();
    alertmanager.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs(process.argv.slice(2));
  console.log(
    `API benchmark: ${args.entities} entities, ${args.connections} connections, ${args.duration}s per scenario (loopback, ${process.version})`,
  );
  const report = {};
  if (args.only !== 'coverage') {
    report.entity = await runEntityBench(args);
    if (!args.json)
      printTable(
        'Entity routes (random entity per request, live Prometheus/Alertmanager fakes)',
        report.entity.results,
      );
  }
  if (args.only !== 'entity') {
    report.coverage = await runCoverageBench(args);
    if (!args.json) {
      const e = report.coverage.evaluation;
      console.log(
        `\nCoverage evaluation: ${e.entities} entities in ${e.pages} pages of ${e.pageSize}: ${e.seconds} s (${e.entitiesPerSecond} entities/s), ${e.failed} failed, peak RSS ${e.peakRssMb} MB`,
      );
      printTable('Coverage routes', report.coverage.results);
    }
  }
  if (args.json) console.log(JSON.stringify(report, null, 2));
  const all = [
    ...(report.entity?.results ?? []),
    ...(report.coverage?.results ?? []),
  ];
  const failed = all.filter(r => r.non2xx + r.errors > 0);
  if (failed.length) {
    console.error(
      `\n${failed.length} scenario(s) had non-2xx answers or errors: ${failed
        .map(f => f.scenario)
        .join(', ')}`,
    );
    process.exitCode = 1;
  }
}
