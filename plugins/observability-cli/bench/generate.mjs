#!/usr/bin/env node
/**
 * Benchmark: generate every artifact (parseSpec + generateArtifacts, i.e.
 * rules, PrometheusRule, Alertmanager, dashboard, runbooks, output object,
 * OTel and Loki config) for synthetic catalogs of 1 000 and 10 000 entities,
 * and print, from the same run:
 *   - entities per second,
 *   - the 10k/1k time ratio (≈ 10 means linear growth),
 *   - generation time / plain JSON.stringify of the same artifacts
 *     (serialisation is the floor).
 * Target: 10 000 entities in under 10 s on one core (this is one thread).
 *
 *   npm run bench:generate            # 1 000 and 10 000
 *   npm run bench:generate -- 500 5000
 */
import { createRequire } from 'node:module';
import { availableParallelism, cpus } from 'node:os';

const require = createRequire(import.meta.url);
// The generators are TypeScript sources: compile on load like bin/redline does.
require('@backstage/cli/config/nodeTransform.cjs');
const {
  generateArtifacts,
  parseSpec,
  resolveGeneratorConfig,
} = require('@redline/backstage-plugin-observability-common');

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter(n => Number.isInteger(n) && n > 0);
const [small, large] = sizes.length === 2 ? sizes : [1_000, 10_000];

/** Deterministic pseudo-random numbers (mulberry32), so every run sees the same catalog. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = [
  'payments',
  'search',
  'identity',
  'platform',
  'data',
  'mobile',
  'growth',
  'ads',
];

/**
 * A catalog shaped like a real one: a third fully described (SLOs, links,
 * log selector, pager and Slack), a third partly, a third bare.
 */
function syntheticCatalog(n, seed) {
  const rnd = random(seed);
  const pick = list => list[Math.floor(rnd() * list.length)];
  return Array.from({ length: n }, (_, i) => {
    const name = `svc-${i}-${pick([
      'api',
      'worker',
      'gateway',
      'web',
      'indexer',
    ])}`;
    const team = pick(TEAMS);
    const shape = i % 3;
    const annotations = {};
    if (shape === 0) {
      Object.assign(annotations, {
        'redline.dev/slo-availability': pick(['99', '99.5', '99.9', '99.95']),
        'redline.dev/slo-latency': pick([
          '99% < 300ms',
          '95% < 500ms',
          '99.5% < 1s',
        ]),
        'redline.dev/error-rate-threshold': pick(['0.5', '1', '2']),
        'redline.dev/latency-p99-threshold': pick(['300ms', '500ms', '1s']),
        'redline.dev/runbook-url': `https://runbooks.example.com/${team}/${name}`,
        'redline.dev/log-query-url':
          'https://logs.example.com/explore?service={service}&q={correlation_id}',
        'redline.dev/trace-url': 'https://traces.example.com/trace/{trace_id}',
        'redline.dev/log-selector': `{app="${name}"}`,
        'redline.dev/slack-channel': `${team}-alerts`,
        'pagerduty.com/integration-key': `key${i}`,
        'pagerduty.com/service-id': `P${i}`,
      });
    } else if (shape === 1) {
      Object.assign(annotations, {
        'redline.dev/slo-availability': pick(['99', '99.9']),
        'redline.dev/slack-channel': `${team}-alerts`,
        'redline.dev/log-query-url':
          'https://logs.example.com/explore?service={service}&q={correlation_id}',
      });
    }
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        title: `Service ${i}`,
        annotations,
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: `group:default/${team}`,
        system: `${team}-system`,
      },
    };
  });
}

const config = resolveGeneratorConfig({
  portalBaseUrl: 'https://portal.example.com',
});

/** Generates everything for the catalog; times generation and JSON.stringify of the results separately. */
function run(entities) {
  const cpuBefore = process.cpuUsage();
  let generateNs = 0n;
  let stringifyNs = 0n;
  let files = 0;
  let bytes = 0;
  for (const entity of entities) {
    const t0 = process.hrtime.bigint();
    const { spec, findings } = parseSpec(entity, config);
    const artifacts = generateArtifacts(spec, config, findings);
    const t1 = process.hrtime.bigint();
    const json = JSON.stringify(artifacts);
    const t2 = process.hrtime.bigint();
    generateNs += t1 - t0;
    stringifyNs += t2 - t1;
    files += artifacts.files.length;
    bytes += json.length;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const wall = Number(generateNs + stringifyNs) / 1e9;
  return {
    seconds: Number(generateNs) / 1e9,
    stringifySeconds: Number(stringifyNs) / 1e9,
    // CPU time of generation alone: the run's CPU time minus its stringify share.
    cpuSeconds:
      ((cpu.user + cpu.system) / 1e6) * (Number(generateNs) / 1e9 / wall),
    files,
    bytes,
  };
}

// Warm up the JIT and the module cache on a separate catalog, as a long-running
// backend would be; without it the first catalog also pays for compilation.
run(syntheticCatalog(1_500, 7));

const results = [small, large].map(n => {
  const catalog = syntheticCatalog(n, 42);
  const result = run(catalog);
  return { n, ...result };
});

const fmt = (x, digits = 2) => x.toFixed(digits);
console.log(
  `redline generate benchmark — node ${process.version}, ${
    cpus()[0]?.model ?? 'cpu'
  } (${availableParallelism()} cores available, one thread used)`,
);
console.log(
  '(wall-clock per phase with hrtime; CPU = process CPU time, which excludes waiting for a busy machine)',
);
console.log(
  'entities | generate s | CPU s | entities/s | JSON.stringify s | generate/stringify | files  | artifact MB',
);
for (const r of results) {
  console.log(
    `${String(r.n).padStart(8)} | ${fmt(r.seconds).padStart(10)} | ${fmt(
      r.cpuSeconds,
    ).padStart(5)} | ${fmt(r.n / r.seconds, 0).padStart(10)} | ${fmt(
      r.stringifySeconds,
    ).padStart(16)} | ${fmt(r.seconds / r.stringifySeconds, 1).padStart(
      18,
    )} | ${String(r.files).padStart(6)} | ${fmt(r.bytes / 1e6, 1)}`,
  );
}
const [a, b] = results;
console.log(
  `time ratio ${b.n}/${a.n}: ${fmt(b.seconds / a.seconds, 2)} wall, ${fmt(
    b.cpuSeconds / a.cpuSeconds,
    2,
  )} CPU (linear growth ≈ ${fmt(b.n / a.n, 0)})`,
);
const target = 10;
const projected = (b.seconds / b.n) * 10_000;
const projectedCpu = (b.cpuSeconds / b.n) * 10_000;
let verdict = 'MISSED';
if (projected < target) verdict = 'met';
else if (projectedCpu < target)
  verdict = 'met in CPU time (wall time inflated by a busy machine)';
console.log(
  `10 000 entities: ${fmt(projected)} s wall, ${fmt(
    projectedCpu,
  )} s CPU; target < ${target} s: ${verdict}${
    b.n === 10_000 ? '' : ' (projected)'
  }`,
);
