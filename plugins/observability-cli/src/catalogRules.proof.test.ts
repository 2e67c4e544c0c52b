/**
 * Proof with the real Prometheus rule engine that a whole catalog's rules can
 * live in one Prometheus: every prometheus-rules.yaml generated from the demo
 * catalog, plus two same-named services of different namespaces, loaded by
 * one `promtool test rules` run with traffic for every service. Duplicate
 * samples or evaluation errors fail the run, and each service's recorded
 * request rate must be the rate it was fed (each service gets its own rate,
 * so series that landed under another service's labels show).
 */
import type { Entity } from '@backstage/catalog-model';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  describeEntity,
  findSelectorCollisions,
  labelsMatch,
  LabelMatcher,
  ObservabilitySpec,
  parseLabelMatchers,
  promEqualMatcher,
  recordedSeriesLabels,
  redRecordNames,
  resolveGeneratorConfig,
  toYaml,
} from '@redline/backstage-plugin-observability-common';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { requireBinary } from '../../../test/support/binaries';
import { readCatalog } from './catalogFiles';

const CATALOG_DIR = resolve(__dirname, '../../../catalog');
const config = resolveGeneratorConfig();

function dup(namespace: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'dup',
      namespace,
      annotations: {
        'redline.dev/metrics-selector': `service="dup",namespace="${namespace}"`,
        'redline.dev/slo-availability': '99.9',
      },
    },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
  };
}

/**
 * A value a regex matcher accepts, for the selectors the demo catalog uses:
 * its first alternative with wildcards filled in. Checked by the caller.
 */
function sampleFor(pattern: string): string {
  return pattern.split('|')[0].replace(/\.[*+]/g, 'x');
}

/** Labels of a series the selector selects. */
function seriesLabels(spec: ObservabilitySpec): Record<string, string> {
  const parsed = parseLabelMatchers(spec.selector.value);
  const matchers: LabelMatcher[] = parsed.ok ? parsed.matchers : [];
  const labels: Record<string, string> = {};
  for (const m of matchers) {
    if (m.op === '=' && m.value) labels[m.name] = m.value;
    if (m.op === '=~') labels[m.name] = sampleFor(m.value);
  }
  if (!labelsMatch(labels, matchers))
    throw new Error(`no sample series for {${spec.selector.value}}`);
  return labels;
}

const series = (metric: string, labels: Record<string, string>) =>
  `${metric}{${Object.entries(labels)
    .map(([name, value]) => promEqualMatcher(name, value))
    .join(',')}}`;

/** Input series (rate `perSecond` requests/s, none failing) and the rate test. */
function trafficFor(spec: ObservabilitySpec, perSecond: number) {
  const m = spec.metrics;
  const labels = seriesLabels(spec);
  const perMinute = `0+${perSecond * 60}x15`;
  const names = redRecordNames(m);
  const recorded = recordedSeriesLabels(spec);
  return {
    input: [
      {
        series: series(m.requestsTotal, { ...labels, [m.statusLabel]: '200' }),
        values: perMinute,
      },
      {
        series: series(m.requestsTotal, { ...labels, [m.statusLabel]: '500' }),
        values: '0x15',
      },
      {
        series: series(`${m.durationHistogram}_bucket`, {
          ...labels,
          le: '0.1',
        }),
        values: perMinute,
      },
      {
        series: series(`${m.durationHistogram}_bucket`, {
          ...labels,
          le: '+Inf',
        }),
        values: perMinute,
      },
      {
        series: series(`${m.durationHistogram}_count`, labels),
        values: perMinute,
      },
    ],
    // Rounded: the rate's extrapolation leaves float noise promtool compares exactly.
    test: {
      expr: `round(${series(names.rate5m, recorded)}, 0.001)`,
      eval_time: '10m',
      exp_samples: [{ labels: series('', recorded), value: perSecond }],
    },
  };
}

const promtool = requireBinary('promtool');
// requireBinary fails in CI and warns loudly locally when promtool is missing.
const describeWithPromtool = promtool ? describe : describe.skip;

describeWithPromtool('catalog rules in one Prometheus', () => {
  it('loads every generated rule file without duplicate samples or errors', () => {
    const catalog = readCatalog(CATALOG_DIR);
    expect(catalog.errors).toEqual([]);
    const entities = [
      ...catalog.entities
        .map(e => e.entity)
        .filter(e => e.kind === 'Component'),
      dup('ns1'),
      dup('ns2'),
    ];
    expect(entities.length).toBeGreaterThanOrEqual(32);
    // Libraries and websites serve no requests and get no rules.
    const described = entities
      .map(e => describeEntity(e, config))
      .filter(({ spec }) => spec.servesRequests);

    // The dup pair claims nothing of anyone else's.
    const collisions = findSelectorCollisions(described);
    expect(
      collisions.filter(f => f.entityRefs.some(ref => ref.endsWith('/dup'))),
    ).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), 'redline-catalog-rules-'));
    try {
      const ruleFiles = described.map(({ artifacts }, i) => {
        const name = `${i}.rules.yaml`;
        const file = artifacts.files.find(f => f.id === 'prometheus-rules')!;
        writeFileSync(join(dir, name), file.content);
        return name;
      });
      const traffic = described.map(({ spec }, i) => trafficFor(spec, i + 1));
      const test = {
        rule_files: ruleFiles,
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: traffic.flatMap(t => t.input),
            promql_expr_test: traffic.map(t => t.test),
          },
        ],
      };
      writeFileSync(join(dir, 'test.yaml'), toYaml(test));
      const result = spawnSync(promtool!, ['test', 'rules', 'test.yaml'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
