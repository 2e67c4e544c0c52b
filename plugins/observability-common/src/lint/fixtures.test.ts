import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LINT_RULES } from './catalogue';
import { DEFAULT_METRIC_NAMES } from '../spec/config';
import { lintRuleFileText, lintRuleGroups } from './lint';

const FIXTURES = join(__dirname, '__fixtures__');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const fixtureName = (ruleId: string, kind: 'hit' | 'miss') =>
  `${ruleId.replace('/', '-')}.${kind}.yaml`;

/** Where each hit fixture must be reported: line and column of every finding. */
const EXPECTED_HITS: Record<string, Array<[line: number, column: number]>> = {
  'rules/yaml-syntax': [[13, 48]],
  'rules/invalid-structure': [
    [5, 9],
    [6, 9],
  ],
  // The missing `)` is detected at the end of the expression's second line.
  'promql/syntax': [[8, 79]],
  'alert/missing-for': [[5, 9]],
  'alert/missing-severity': [[5, 9]],
  'alert/missing-summary': [[5, 9]],
  'alert/missing-description': [[5, 9]],
  'alert/missing-runbook-url': [[5, 9]],
  'alert/runbook-annotation-name': [[15, 20]],
  'alert/runbook-url-not-http': [[15, 24]],
  // Points at node_cpu_seconds_total inside the expression.
  'alert/cause-not-symptom': [[7, 35]],
  'promql/counter-without-rate': [[7, 11]],
  'promql/rate-on-gauge': [[6, 33]],
  'promql/histogram-quantile-drops-le': [[8, 13]],
  'promql/high-cardinality-label': [
    [6, 32],
    [8, 32],
  ],
  // Points at the `/`, at the start of the expression's second line.
  'promql/division-by-zero': [[8, 11]],
  'rules/duplicate-alert-name': [[16, 9]],
};

describe('rule linter fixtures', () => {
  it('has a hit and a near-miss fixture for every rule in the catalogue', () => {
    const files = new Set(readdirSync(FIXTURES));
    for (const rule of LINT_RULES) {
      expect(files).toContain(fixtureName(rule.id, 'hit'));
      expect(files).toContain(fixtureName(rule.id, 'miss'));
    }
    expect(Object.keys(EXPECTED_HITS).sort()).toEqual(
      LINT_RULES.map(rule => rule.id).sort(),
    );
  });

  describe.each(LINT_RULES.map(rule => [rule.id, rule] as const))(
    '%s',
    (id, rule) => {
      it('reports the hit fixture, and nothing else, at the right place', () => {
        const file = fixtureName(id, 'hit');
        const findings = lintRuleFileText(read(file), file);
        expect(findings.map(f => f.ruleId)).toEqual(
          EXPECTED_HITS[id].map(() => id),
        );
        expect(findings.map(f => [f.location.line, f.location.column])).toEqual(
          EXPECTED_HITS[id],
        );
        for (const finding of findings) {
          expect(finding.severity).toBe(rule.severity);
          expect(finding.location.file).toBe(file);
          expect(finding.message).not.toBe('');
          expect(finding.fix).not.toBe('');
        }
      });

      it('finds nothing at all in the near-miss fixture', () => {
        const file = fixtureName(id, 'miss');
        expect(lintRuleFileText(read(file), file)).toEqual([]);
      });
    },
  );

  it("holds the seed's own alert example to only two pieces of advice", () => {
    const findings = lintRuleFileText(
      read('seed-example.yaml'),
      'seed-example.yaml',
    );
    expect(findings.map(f => [f.ruleId, f.severity, f.location.line])).toEqual([
      ['promql/division-by-zero', 'info', 8],
      ['alert/runbook-annotation-name', 'info', 15],
    ]);
    expect(findings[1].fix).toContain(
      'runbook_url: "https://wiki/runbooks/high-error-rate"',
    );
  });

  it('reads the PrometheusRule document of a multi-document manifest and skips the others', () => {
    const findings = lintRuleFileText(
      read('prometheus-rule-crd.yaml'),
      'crd.yaml',
    );
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'alert/missing-for',
        location: {
          file: 'crd.yaml',
          group: 'checkout-red',
          rule: 'HighErrorRate',
          line: 17,
          column: 11,
        },
      }),
    ]);
  });

  it("suggests the seed's symptom alternative when paging on a cause", () => {
    const [finding] = lintRuleFileText(
      read(fixtureName('alert/cause-not-symptom', 'hit')),
    );
    expect(finding.message).toContain('CPU');
    expect(finding.fix).toContain('P99 latency > 500 ms');
    expect(finding.fix).toContain('histogram_quantile(0.99, sum by (le)');
    expect(finding.fix).toContain('severity: warning');
  });

  it('suggests symptom expressions that pass the linter themselves', () => {
    const { requestsTotal: total, durationHistogram: histogram } =
      DEFAULT_METRIC_NAMES;
    const cause = (metric: string) =>
      lintRuleGroups([
        {
          name: 'g',
          rules: [
            {
              alert: 'Cause',
              expr: `${metric} > 1`,
              for: '5m',
              labels: { severity: 'critical' },
            },
          ],
        },
      ]).find(f => f.ruleId === 'alert/cause-not-symptom')!;
    for (const metric of [
      'rate(app_exceptions_total[5m])',
      'rate(node_cpu_seconds_total[5m])',
      'node_filesystem_avail_bytes',
    ]) {
      const suggestion = cause(metric)
        .fix.replace(/^page on the [^:]+: /, '')
        .replace(/; keep this alert.*$/, '');
      expect(suggestion).toMatch(new RegExp(`${total}|${histogram}`));
      expect(
        lintRuleGroups([
          { name: 'g', rules: [{ record: 'job:symptom:x', expr: suggestion }] },
        ]),
      ).toEqual([]);
    }
  });

  it('names the group and rule in file findings too', () => {
    const [finding] = lintRuleFileText(
      read(fixtureName('alert/missing-for', 'hit')),
      'f.yaml',
    );
    expect(finding.location).toEqual({
      file: 'f.yaml',
      group: 'checkout-red',
      rule: 'HighErrorRate',
      line: 5,
      column: 9,
    });
  });
});
