#!/usr/bin/env node
/**
 * Backtest benchmark: a real Prometheus on 30 days (plus an hour) of
 * minute-by-minute history for `checkout` — error bursts and latency spikes
 * scattered over the month — backfilled with promtool, and measured in one
 * run:
 *
 *   1. the backtest of checkout's generated alerts over 7 and 30 days:
 *      queries sent, response bytes, wall time (median of --runs), and the
 *      episodes found;
 *   2. the alert evaluation it replaces: one evaluation of checkout's rule
 *      groups as Prometheus' rule manager does it, one instant query per
 *      rule (recording and alerting), same measures; and what evaluating
 *      every minute over the same window would add up to.
 *
 * Results go to stdout, progress to stderr. Needs `prometheus` and
 * `promtool` (Debian package prometheus).
 *
 *   npm run bench:backtest
 *   npm run bench:backtest -- --runs 5
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// -common and the test kit are TypeScript sources: compile on load like bin/redline does.
require('@backstage/cli/config/nodeTransform.cjs');
const here = dirname(fileURLToPath(import.meta.url));
const { startIncidentPrometheus } = require(join(
  here,
  '../support/incidentHistory.ts',
));
const { findBinary } = require(join(here, '../support/binaries.ts'));
const {
  DEFAULT_GENERATOR_CONFIG,
  describeEntity,
  planBacktest,
  runBacktest,
} = require('@redline/backstage-plugin-observability-common');
const yaml = require('yaml');

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const DAY = 86_400;
const END = Date.UTC(2026, 9, 31) / 1000;
const BEGIN = END - 30 * DAY - 3600;

const log = line => process.stderr.write(`${line}\n`);

const prometheus = findBinary('prometheus');
const promtool = findBinary('promtool');
if (!prometheus || !promtool) {
  log(
    'prometheus and promtool are needed: apt-get install -y --no-install-recommends prometheus',
  );
  process.exit(1);
}

// An incident every few days: 20-minute error bursts at 5 %, 30-minute latency spikes.
const bursts = [];
const spikes = [];
for (let day = 1; day < 30; day += 3)
  bursts.push({ from: END - day * DAY + 10 * 3600, minutes: 20, ratio: 0.05 });
for (let day = 2; day < 30; day += 7)
  spikes.push({
    from: END - day * DAY + 15 * 3600,
    minutes: 30,
    slowShare: 0.05,
  });

const catalog = yaml.parseAllDocuments(
  readFileSync(join(here, '../../catalog/components/payments.yaml'), 'utf8'),
);
const checkout = catalog
  .map(d => d.toJS())
  .find(e => e.kind === 'Component' && e.metadata.name === 'checkout');

/** A BacktestQueryApi on fetch that counts what crosses the wire. */
function countingApi(url) {
  const stats = { queries: 0, bytes: 0 };
  const get = async (path, params) => {
    stats.queries++;
    const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
    const text = await res.text();
    stats.bytes += Buffer.byteLength(text);
    const body = JSON.parse(text);
    if (body.status !== 'success')
      throw new Error(body.error ?? res.statusText);
    return body.data.result;
  };
  return {
    stats,
    async query(promql, time) {
      const result = await get('/api/v1/query', {
        query: promql,
        time: String(time),
      });
      return result.map(s => ({ labels: s.metric, value: Number(s.value[1]) }));
    },
    async queryRange(promql, range) {
      const result = await get('/api/v1/query_range', {
        query: promql,
        start: String(range.start),
        end: String(range.end),
        step: String(range.stepSeconds),
      });
      return result.map(s => ({
        labels: s.metric,
        points: s.values.map(([t, v]) => [t, Number(v)]),
      }));
    },
  };
}

const median = values =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = bytes => `${(bytes / 1024).toFixed(1)} KB`;

log(
  `backfilling 30 days of minute samples (${bursts.length} bursts, ${spikes.length} spikes)…`,
);
const server = await startIncidentPrometheus(
  { prometheus, promtool },
  {
    begin: BEGIN,
    end: END,
    step: 60,
    services: { checkout: { errorBursts: bursts, latencySpikes: spikes } },
  },
);
log(`ready in ${JSON.stringify(server.timings)}`);

try {
  const { artifacts } = describeEntity(checkout, DEFAULT_GENERATOR_CONFIG);
  const rows = [];
  for (const days of [7, 30]) {
    const plan = planBacktest(artifacts, { days, nowSeconds: END });
    const times = [];
    let last;
    let stats;
    for (let i = 0; i < RUNS; i++) {
      const api = countingApi(server.url);
      const t0 = performance.now();
      last = await runBacktest(plan, api);
      times.push(performance.now() - t0);
      stats = api.stats;
    }
    const errorBursts = last.alerts.find(a => a.key === 'HighErrorRate');
    rows.push({
      what: `backtest, ${days} days (step ${plan.stepSeconds} s)`,
      queries: stats.queries,
      bytes: stats.bytes,
      ms: median(times),
      note: `HighErrorRate ${errorBursts.fired}× / ${
        errorBursts.firingMinutes
      } min; ${
        last.alerts.filter(a => a.status === 'evaluated').length
      } alerts evaluated`,
    });
  }

  // One evaluation of the rule groups: Prometheus' rule manager runs one
  // instant query per rule every interval.
  const rules = artifacts.rules.groups.flatMap(g => g.rules);
  const times = [];
  let stats;
  for (let i = 0; i < RUNS; i++) {
    const api = countingApi(server.url);
    const t0 = performance.now();
    for (const rule of rules) await api.query(rule.expr, END);
    times.push(performance.now() - t0);
    stats = api.stats;
  }
  const once = {
    queries: stats.queries,
    bytes: stats.bytes,
    ms: median(times),
  };
  rows.push({
    what: 'one rule-group evaluation (instant)',
    ...once,
    note: `${rules.length} rules`,
  });
  for (const days of [7, 30]) {
    const evaluations = (days * DAY) / 60;
    rows.push({
      what: `  × every minute for ${days} days`,
      queries: once.queries * evaluations,
      bytes: once.bytes * evaluations,
      ms: once.ms * evaluations,
      note: `${evaluations} evaluations (extrapolated)`,
    });
  }

  const pad = (text, n) => String(text).padEnd(n);
  console.log(
    `${pad('what', 42)}${pad('queries', 10)}${pad('bytes', 14)}${pad(
      'time',
      14,
    )}note`,
  );
  for (const r of rows)
    console.log(
      `${pad(r.what, 42)}${pad(r.queries, 10)}${pad(kb(r.bytes), 14)}${pad(
        r.ms >= 10_000
          ? `${(r.ms / 1000).toFixed(0)} s`
          : `${r.ms.toFixed(0)} ms`,
        14,
      )}${r.note}`,
    );
  console.log(
    `(median of ${RUNS} runs; backfill ${server.timings.backfillMs} ms, Prometheus ready in ${server.timings.startMs} ms)`,
  );
} finally {
  await server.stop();
}
