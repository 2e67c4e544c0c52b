#!/usr/bin/env node
/**
 * Benchmark of the rule linter: lints 10 000 rules (by default) and prints
 * rules per second, three ways:
 *   1. lintRuleFiles    — YAML text to findings, what `redline lint` does in-process
 *   2. lintRuleGroups   — rule objects to findings, what the backend does with /api/v1/rules
 *   3. bin/redline lint — the CLI end to end on files in a temp folder (start-up included)
 *
 * The rule set is half Redline's own generated rules (one file per synthetic
 * service) and half hand-written-style rules carrying the patterns the linter
 * looks for, so every check does real work.
 *
 * Usage: npm run bench:lint [-- --rules 10000 --runs 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const require = createRequire(import.meta.url);
// The same TypeScript transform bin/redline registers: -common is run from source.
require('@backstage/cli/config/nodeTransform.cjs');
const yaml = require('yaml');

const common = require(join(repo, 'plugins/observability-common/src/index.ts'));
const { makeSpec } = require(join(
  repo,
  'plugins/observability-common/src/generate/__testUtils__/makeSpec.ts',
));

const { values } = parseArgs({
  options: {
    rules: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
  },
});
const targetRules = Number(values.rules);
const runs = Math.max(1, Number(values.runs));
if (!Number.isInteger(targetRules) || targetRules < 1) {
  console.error(`--rules must be a positive integer, got ${values.rules}`);
  process.exit(2);
}

/** Hand-written-style rules: clean ones and each kind of problem, varied per service. */
function handWrittenGroup(service, index) {
  const sel = `service="${service}"`;
  const rules = [
    {
      alert: 'HighErrorRate',
      expr: `sum(rate(http_requests_total{${sel},status=~"5.."}[5m]))\n/ sum(rate(http_requests_total{${sel}}[5m])) > 0.01`,
      for: '5m',
      labels: { severity: 'critical', service },
      annotations: {
        summary: `High error rate on ${service}`,
        description: 'Error rate is {{ $value | humanizePercentage }}',
        runbook: `https://wiki/runbooks/${service}/high-error-rate`,
      },
    },
    {
      alert: 'HighCPU',
      expr: `sum by (instance) (rate(node_cpu_seconds_total{mode!="idle",${sel}}[5m])) > 0.8`,
      labels: { severity: 'critical' },
      annotations: { summary: 'CPU high' },
    },
    {
      alert: 'SlowRequests',
      expr: `histogram_quantile(0.99, sum by (route) (rate(http_request_duration_seconds_bucket{${sel}}[5m]))) > 0.5`,
      for: '5m',
      labels: { severity: 'warning', service },
      annotations: {
        summary: 'Slow',
        description: 'P99 is {{ $value }}s',
        runbook_url: 'wiki/slow',
      },
    },
    {
      alert: 'ManyExceptions',
      expr: `app_exceptions_total{${sel}} > 100`,
      for: '10m',
      labels: { severity: 'critical', service },
      annotations: {
        summary: 'Exceptions',
        description: 'x',
        runbook_url: `https://runbooks.example.com/${service}`,
      },
    },
    {
      record: `service_user:http_requests:rate5m`,
      expr: `sum by (service, user_id) (rate(http_requests_total{${sel}}[5m]))`,
    },
    {
      record: `service:active_connections:rate5m`,
      expr: `sum by (service) (rate(active_connections{${sel}}[5m]))`,
    },
    {
      record: `service:http_requests:rate5m`,
      expr: `sum by (service, route) (rate(http_requests_total{${sel}}[5m]))`,
    },
    {
      record: `service:broken:rule`,
      expr:
        index % 10 === 1
          ? `sum(rate(http_requests_total{${sel}}[5m])`
          : `sum(up{${sel}})`,
    },
  ];
  return { name: `${service}-handwritten`, rules };
}

const files = [];
const groups = [];
let ruleCount = 0;
for (let i = 0; ruleCount < targetRules; i++) {
  const service = `svc-${String(i).padStart(4, '0')}`;
  let fileGroups;
  if (i % 2 === 0) {
    const spec = makeSpec({
      name: service,
      serviceName: { value: service, source: 'default' },
      selector: { value: `service="${service}"`, source: 'default' },
    });
    fileGroups = common.generatePrometheusRules(
      spec,
      common.DEFAULT_GENERATOR_CONFIG,
    ).rules.groups;
  } else {
    fileGroups = [handWrittenGroup(service, i)];
  }
  // Trim the last file so the total is exactly the target.
  const trimmed = [];
  for (const group of fileGroups) {
    const take = group.rules.slice(0, targetRules - ruleCount);
    if (take.length === 0) break;
    ruleCount += take.length;
    trimmed.push({ ...group, rules: take });
  }
  groups.push(...trimmed);
  files.push({
    fileName: `rules/${service}.yaml`,
    text: yaml.stringify({ groups: trimmed }),
  });
}
const alerting = groups.reduce(
  (n, g) => n + g.rules.filter(r => r.alert).length,
  0,
);

function time(fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

function measure(fn) {
  fn(); // warm-up: JIT and module caches, not part of the figures
  const samples = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const sample = time(fn);
    samples.push(sample.ms);
    result = sample.result;
  }
  samples.sort((a, b) => a - b);
  return {
    best: samples[0],
    median: samples[Math.floor(samples.length / 2)],
    result,
  };
}

const rate = ms => Math.round(ruleCount / (ms / 1000)).toLocaleString('en');
const fmt = ms => `${ms.toFixed(0)} ms`;

console.log(
  `redline lint benchmark — Node ${process.version}, ${
    cpus().length
  } CPUs, ${runs} timed runs after a warm-up`,
);
console.log(
  `rules: ${ruleCount.toLocaleString('en')} (${alerting} alerting, ${
    ruleCount - alerting
  } recording) in ${files.length} files`,
);

const fromFiles = measure(() => common.lintRuleFiles(files));
console.log(
  `lintRuleFiles  (YAML text -> findings):   best ${fmt(
    fromFiles.best,
  )}, median ${fmt(fromFiles.median)} -> ${rate(
    fromFiles.best,
  )} rules/s (median ${rate(fromFiles.median)})`,
);

const fromGroups = measure(() => common.lintRuleGroups(groups));
console.log(
  `lintRuleGroups (rule objects -> findings): best ${fmt(
    fromGroups.best,
  )}, median ${fmt(fromGroups.median)} -> ${rate(
    fromGroups.best,
  )} rules/s (median ${rate(fromGroups.median)})`,
);

const findings = fromFiles.result.findings;
const bySeverity = { error: 0, warning: 0, info: 0 };
const byRule = {};
for (const f of findings) {
  bySeverity[f.severity]++;
  byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
}
if (fromFiles.result.ruleCount !== ruleCount) {
  console.error(
    `expected ${ruleCount} rules read from the files, the linter read ${fromFiles.result.ruleCount}`,
  );
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'redline-bench-lint-'));
try {
  for (const file of files) {
    const path = join(dir, file.fileName);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
  }
  const bin = join(repo, 'plugins/observability-cli/bin/redline');
  const cli = time(() =>
    spawnSync(process.execPath, [bin, 'lint', '--format', 'json', dir], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    }),
  );
  const run = cli.result;
  if (run.status === null || run.error) {
    console.error(`CLI run failed: ${run.error ?? run.signal}`);
    process.exit(1);
  }
  const output = JSON.parse(run.stdout);
  console.log(
    `bin/redline lint <dir> (end to end, start-up and TS transpile included): ${fmt(
      cli.ms,
    )} -> ${rate(cli.ms)} rules/s, exit code ${run.status}, ${
      output.findings.length
    } findings`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `findings: ${findings.length} (${bySeverity.error} error, ${bySeverity.warning} warning, ${bySeverity.info} info)`,
);
for (const [id, count] of Object.entries(byRule).sort((a, b) => b[1] - a[1])) {
  console.log(`  ${id.padEnd(36)} ${count}`);
}
