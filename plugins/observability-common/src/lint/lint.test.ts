import fc from 'fast-check';
import { LINT_RULES } from './catalogue';
import { formatLintLocation } from './format';
import { lintRuleFileText, lintRuleFiles, lintRuleGroups } from './lint';
import { fromPrometheusApiGroups } from './prometheusApi';

const goodAlert = {
  alert: 'HighErrorRate',
  expr: 'sum(rate(http_requests_total{status=~"5.."}[5m])) / (sum(rate(http_requests_total[5m])) > 0) > 0.01',
  for: '5m',
  labels: { severity: 'critical', service: 'checkout' },
  annotations: {
    summary: 'High error rate',
    description: 'Error rate is {{ $value | humanizePercentage }}',
    runbook_url: 'https://runbooks.example.com/HighErrorRate',
  },
};

describe('LINT_RULES', () => {
  it('has unique ids, each with a title and a description', () => {
    expect(new Set(LINT_RULES.map(rule => rule.id)).size).toBe(
      LINT_RULES.length,
    );
    for (const rule of LINT_RULES) {
      expect(rule.id).toMatch(/^(promql|alert|rules)\/[a-z-]+$/);
      expect(rule.title.length).toBeGreaterThan(5);
      expect(rule.description.length).toBeGreaterThan(20);
    }
  });
});

describe('lintRuleGroups', () => {
  it('finds nothing in a rule that follows the seed', () => {
    expect(lintRuleGroups([{ name: 'g', rules: [goodAlert] }])).toEqual([]);
  });

  it('accepts http(s) runbook links and templated ones, and flags anything else', () => {
    const runbookFindings = (runbookUrl: string) =>
      lintRuleGroups([
        {
          name: 'g',
          rules: [
            {
              ...goodAlert,
              annotations: {
                ...goodAlert.annotations,
                runbook_url: runbookUrl,
              },
            },
          ],
        },
      ]).map(f => f.ruleId);
    for (const ok of [
      'https://runbooks.example.com/HighErrorRate',
      '{{ $externalURL }}/runbooks/HighErrorRate',
      'https://runbooks.example.com/{{ $labels.alertname }}?service={{ $labels.service }}',
    ]) {
      expect(runbookFindings(ok)).toEqual([]);
    }
    for (const bad of [
      'runbooks/HighErrorRate.md',
      'ftp://runbooks.example.com/x',
      'https://runbooks.example.com/high error rate',
      'https://runbooks.example.com@evil.example/x',
      'https://user:secret@runbooks.example.com/x',
    ]) {
      expect(runbookFindings(bad)).toEqual(['alert/runbook-url-not-http']);
    }
  });

  it('locates findings by group and rule, with the source as file', () => {
    const findings = lintRuleGroups(
      [{ name: 'checkout', rules: [{ ...goodAlert, for: undefined }] }],
      'prometheus:default',
    );
    expect(findings).toEqual([
      {
        ruleId: 'alert/missing-for',
        severity: 'warning',
        message: expect.stringContaining('"HighErrorRate"'),
        fix: expect.stringContaining('for: 5m'),
        location: {
          file: 'prometheus:default',
          group: 'checkout',
          rule: 'HighErrorRate',
        },
      },
    ]);
  });

  it('asks no "for" of a heartbeat, which must fire at once', () => {
    const { for: _omit, ...withoutFor } = goodAlert;
    expect(
      lintRuleGroups([
        { name: 'g', rules: [{ ...withoutFor, expr: 'vector(1)' }] },
      ]),
    ).toEqual([]);
    expect(
      lintRuleGroups([
        { name: 'g', rules: [{ ...withoutFor, expr: 'vector(1) > 0' }] },
      ]).map(f => f.ruleId),
    ).toContain('alert/missing-for');
  });

  it('accepts for in seconds, and the API duration field', () => {
    const { for: _omit, ...withoutFor } = goodAlert;
    expect(
      lintRuleGroups([{ name: 'g', rules: [{ ...withoutFor, for: 300 }] }]),
    ).toEqual([]);
    expect(
      lintRuleGroups([
        { name: 'g', rules: [{ ...withoutFor, duration: 300 }] },
      ]),
    ).toEqual([]);
    expect(
      lintRuleGroups([
        { name: 'g', rules: [{ ...withoutFor, duration: 0 }] },
      ]).map(f => f.ruleId),
    ).toEqual(['alert/missing-for']);
    expect(
      lintRuleGroups([
        { name: 'g', rules: [{ ...withoutFor, for: '0s' }] },
      ]).map(f => f.ruleId),
    ).toEqual(['alert/missing-for']);
  });

  it('reports a syntax error with its position inside the expression', () => {
    const [finding] = lintRuleGroups([
      {
        name: 'g',
        rules: [{ record: 'x:y', expr: 'sum(rate(x_total[5m])\n  by (job)' }],
      },
    ]);
    expect(finding.ruleId).toBe('promql/syntax');
    expect(finding.message).toMatch(/expression line 2, column \d+/);
    expect(finding.location).toEqual({ group: 'g', rule: 'x:y' });
  });

  it('finds duplicate alert names across groups, but not multi-window pairs told apart by labels', () => {
    const other = { ...goodAlert, expr: goodAlert.expr.replace(/5m/g, '1h') };
    expect(
      lintRuleGroups([
        { name: 'a', rules: [goodAlert] },
        { name: 'b', rules: [other] },
      ]).map(f => [f.ruleId, f.location.group, f.message]),
    ).toEqual([
      ['rules/duplicate-alert-name', 'b', expect.stringContaining('group "a"')],
    ]);
    expect(
      lintRuleGroups([
        {
          name: 'a',
          rules: [
            goodAlert,
            { ...other, labels: { ...goodAlert.labels, window: '1h' } },
          ],
        },
      ]),
    ).toEqual([]);
    // The same rule loaded twice is not a conflict of meaning.
    expect(
      lintRuleGroups([{ name: 'a', rules: [goodAlert, { ...goodAlert }] }]),
    ).toEqual([]);
  });

  it('turns malformed input into findings instead of throwing', () => {
    const findings = lintRuleGroups([
      {
        name: 'g',
        rules: [
          { expr: 'up' } as never,
          { alert: 'A' } as never,
          null as never,
          { ...goodAlert, for: '5 minutes' },
        ],
      },
    ]);
    expect(findings.map(f => f.ruleId)).toEqual([
      'rules/invalid-structure',
      'rules/invalid-structure',
      'rules/invalid-structure',
      'rules/invalid-structure',
    ]);
  });
});

describe('fromPrometheusApiGroups', () => {
  const response = {
    status: 'success',
    data: {
      groups: [
        {
          name: 'checkout',
          file: '/etc/prometheus/rules/checkout.yaml',
          interval: 30,
          rules: [
            {
              state: 'inactive',
              name: 'HighErrorRate',
              query: goodAlert.expr,
              duration: 300,
              labels: goodAlert.labels,
              annotations: goodAlert.annotations,
              alerts: [],
              health: 'ok',
              type: 'alerting',
            },
            {
              name: 'job:up:sum',
              query: 'sum by (job) (up)',
              labels: { team: 'x' },
              health: 'ok',
              type: 'recording',
            },
            { name: 42, query: 'up', type: 'recording' },
          ],
        },
      ],
    },
  };

  it('maps alerting and recording rules, with duration as for', () => {
    expect(fromPrometheusApiGroups(response)).toEqual([
      {
        name: 'checkout',
        rules: [
          {
            alert: 'HighErrorRate',
            expr: goodAlert.expr,
            duration: 300,
            labels: goodAlert.labels,
            annotations: goodAlert.annotations,
          },
          {
            record: 'job:up:sum',
            expr: 'sum by (job) (up)',
            labels: { team: 'x' },
          },
        ],
      },
    ]);
    expect(lintRuleGroups(fromPrometheusApiGroups(response))).toEqual([]);
  });

  it('accepts data or the groups array, and ignores garbage', () => {
    expect(fromPrometheusApiGroups(response.data)).toHaveLength(1);
    expect(fromPrometheusApiGroups(response.data.groups)).toHaveLength(1);
    expect(fromPrometheusApiGroups(null)).toEqual([]);
    expect(fromPrometheusApiGroups({ data: { groups: 'x' } })).toEqual([]);
    expect(fromPrometheusApiGroups([1, 'a', { rules: 'no' }])).toEqual([
      { name: '', rules: [] },
    ]);
  });
});

describe('lintRuleFiles', () => {
  const file = (expr: string) =>
    `groups:\n  - name: g\n    rules:\n      - alert: HighErrorRate\n        expr: ${expr}\n        for: 5m\n        labels: { severity: critical }\n        annotations:\n          summary: s\n          description: d\n          runbook_url: https://r.example.com/x\n`;

  it('finds duplicates across files and counts rules', () => {
    const report = lintRuleFiles([
      { text: file('up == 0'), fileName: 'a.yaml' },
      { text: file('up == 1'), fileName: 'b.yaml' },
    ]);
    expect(report.ruleCount).toBe(2);
    expect(
      report.findings.map(f => [f.ruleId, f.location.file, f.location.line]),
    ).toEqual([['rules/duplicate-alert-name', 'b.yaml', 4]]);
    expect(report.findings[0].message).toContain('a.yaml:4');
  });

  it('maps a syntax error in a one-line expression to its file column', () => {
    const [finding] = lintRuleFileText(file('sum(up) by (job'), 'a.yaml');
    expect(finding).toMatchObject({
      ruleId: 'promql/syntax',
      location: { line: 5, column: 30 },
    });
  });

  it('maps positions inside quoted and folded expressions', () => {
    const quoted = lintRuleFileText(file('"sum(x_total) > 1"'));
    expect(quoted[0]).toMatchObject({
      ruleId: 'promql/counter-without-rate',
      location: { line: 5, column: 20 },
    });
    const folded = `groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: >-\n          sum by (job)\n            (rate(x[5m])) / sum(y_total)\n`;
    const findings = lintRuleFileText(folded);
    expect(
      findings.map(f => [f.ruleId, f.location.line, f.location.column]),
    ).toEqual([['promql/counter-without-rate', 7, 33]]);
  });
});

describe('Loki ruler files', () => {
  const lokiFile = (expr: string, extra = '') => `groups:
  - name: logs
    rules:
      - alert: LogErrors
        expr: ${JSON.stringify(expr)}
${extra}`;

  it('applies the alerting practices but not the PromQL checks to LogQL', () => {
    const expr =
      'sum(count_over_time({app="checkout"} |~ `(?i)error` [5m])) / (sum(count_over_time({app="checkout"}[5m])) > 0) > 0.005';
    expect(lintRuleFileText(lokiFile(expr)).map(f => f.ruleId)).toEqual([
      'alert/missing-for',
      'alert/missing-severity',
      'alert/missing-summary',
      'alert/missing-description',
      'alert/missing-runbook-url',
    ]);
    expect(
      lintRuleFileText(
        lokiFile(
          'sum(rate({job="x"} | json | level="error" [5m])) > 1',
          '        for: 5m\n',
        ),
      ).map(f => f.ruleId),
    ).not.toContain('promql/syntax');
    expect(
      lintRuleFileText(
        lokiFile('count_over_time({job="x"} != "debug" !~ "trace" [5m]) > 1'),
      ).map(f => f.ruleId),
    ).not.toContain('promql/syntax');
  });

  it('still treats PromQL with regex matchers and pipes inside strings as PromQL', () => {
    const findings = lintRuleFileText(
      lokiFile('sum(rate(x_total{a!~"b|c"}[5m])) by (user_id) > 1'),
    );
    expect(findings.map(f => f.ruleId)).toContain(
      'promql/high-cardinality-label',
    );
  });
});

describe('YAML anchors, aliases and merge keys', () => {
  it('reads through them like Prometheus does', () => {
    const text = `groups:
  - name: g
    rules:
      - alert: HighErrorRate
        expr: sum(rate(a_total[5m])) / (sum(rate(b_total[5m])) > 0) > 0.01
        for: 5m
        labels: &labels
          severity: critical
        annotations: &annotations
          summary: s
          description: d
          runbook_url: https://r.example.com/x
      - alert: HighLatency
        expr: histogram_quantile(0.99, sum by (le) (rate(d_bucket[5m]))) > 0.5
        for: 5m
        labels: *labels
        annotations:
          <<: *annotations
          summary: latency
`;
    expect(lintRuleFileText(text)).toEqual([]);
    const missingRunbook = text.replace(
      '          runbook_url: https://r.example.com/x\n',
      '',
    );
    expect(
      lintRuleFileText(missingRunbook).map(f => [f.ruleId, f.location.rule]),
    ).toEqual([
      ['alert/missing-runbook-url', 'HighErrorRate'],
      ['alert/missing-runbook-url', 'HighLatency'],
    ]);
  });

  it('reports a self-referencing alias instead of looping', () => {
    const text = 'groups: &g\n  - name: g\n    rules: *g\n';
    expect(lintRuleFileText(text).map(f => f.ruleId)).toContain(
      'rules/invalid-structure',
    );
  });
});

describe('never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), text => {
        expect(Array.isArray(lintRuleFileText(text, 'f.yaml'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary expressions inside a valid file', () => {
    const alphabet = fc.constantFrom(
      ...'sum(rate(x_total[5m])) by (le, user_id) / > 0.5 and or on() {a="b"} histogram_quantile offset 1h @ :,-+*'.split(
        '',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 80 }).map(chars => chars.join('')),
        expr => {
          const text = `groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: ${JSON.stringify(
            expr,
          )}\n`;
          for (const finding of lintRuleFileText(text)) {
            expect(finding.location.line).toBeGreaterThanOrEqual(4);
          }
          expect(
            Array.isArray(
              lintRuleGroups([{ name: 'g', rules: [{ alert: 'A', expr }] }]),
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('formatLintLocation', () => {
  it.each([
    [
      { file: 'a.yaml', line: 3, column: 9, group: 'g', rule: 'R' },
      'a.yaml:3:9',
    ],
    [{ file: 'a.yaml', line: 3 }, 'a.yaml:3:1'],
    [{ group: 'checkout', rule: 'HighErrorRate' }, 'checkout › HighErrorRate'],
    [
      { file: 'prometheus:default', group: 'checkout', rule: 'HighErrorRate' },
      'prometheus:default checkout › HighErrorRate',
    ],
    [{ file: 'a.yaml' }, 'a.yaml'],
    [{}, '-'],
  ])('%j → %s', (location, expected) => {
    expect(formatLintLocation(location)).toBe(expected);
  });
});
