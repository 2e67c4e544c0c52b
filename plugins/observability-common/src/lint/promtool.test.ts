/**
 * The linter's "Prometheus refuses this" findings must agree with the real
 * tool: `promtool check rules` fails exactly on the files where the linter
 * reports a YAML, structure or PromQL error.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { lintRuleFileText } from './lint';

const REFUSED = new Set([
  'rules/yaml-syntax',
  'rules/invalid-structure',
  'promql/syntax',
]);
const FIXTURES = join(__dirname, '__fixtures__');

/** Rule files with top-level groups (promtool does not read PrometheusRule manifests). */
const fixtureFiles = readdirSync(FIXTURES)
  .filter(name => name.endsWith('.yaml'))
  .map(name => [name, readFileSync(join(FIXTURES, name), 'utf8')] as const)
  .filter(([, text]) => /^groups:/m.test(text));

const expression = (expr: string) =>
  `groups:\n  - name: g\n    rules:\n      - record: job:x:y\n        expr: ${JSON.stringify(
    expr,
  )}\n`;

const expressions: Array<[string, string]> = [
  ['rate without a range', expression('rate(http_requests_total)')],
  [
    'a range where an instant vector is needed',
    expression('abs(http_requests_total[5m])'),
  ],
  ['an aggregation over a range', expression('sum(http_requests_total[5m])')],
  ['an unknown function', expression('frobnicate(up)')],
  ['an unclosed brace', expression('up{job="a"')],
  [
    'a valid subquery',
    expression('max_over_time(rate(http_requests_total[5m])[1h:1m])'),
  ],
  [
    'a valid offset and @',
    expression('rate(http_requests_total[5m] offset 1h)'),
  ],
  ['a valid bool comparison', expression('sum by (job) (up) > bool 0')],
];

/**
 * promtool only parses these; Prometheus fails them on every evaluation
 * ("rule result is not a vector or scalar"), so the linter reports them.
 */
const failingAtEvaluation: Array<[string, string]> = [
  ['a range vector as the result', expression('http_requests_total[5m]')],
  ['a string result', expression('"text"')],
];

describeWithBinary('promtool')(
  'linter errors agree with promtool check rules',
  promtool => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'redline-lint-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** What promtool and the linter each say about a file, side by side. */
    const verdicts = (name: string, text: string) => {
      const path = join(dir, name.replace(/[^a-z0-9.-]+/gi, '_'));
      writeFileSync(path, text);
      const result = spawnSync(promtool, ['check', 'rules', path], {
        encoding: 'utf8',
      });
      const refusedByLinter = lintRuleFileText(text, name).filter(f =>
        REFUSED.has(f.ruleId),
      );
      return {
        actual: {
          name,
          promtoolFails: result.status !== 0,
          output: result.status !== 0 ? `${result.stdout}${result.stderr}` : '',
        },
        expected: {
          name,
          promtoolFails: refusedByLinter.length > 0,
          output: refusedByLinter.length > 0 ? expect.any(String) : '',
        },
      };
    };

    it('has fixtures to compare', () => {
      expect(fixtureFiles.length).toBeGreaterThan(30);
    });

    it.each(fixtureFiles)('fixture %s', (name, text) => {
      const { actual, expected } = verdicts(name, text);
      expect(actual).toEqual(expected);
    });

    it.each(expressions)('%s', (name, text) => {
      const { actual, expected } = verdicts(`${name}.yaml`, text);
      expect(actual).toEqual(expected);
    });

    it.each(failingAtEvaluation)(
      '%s: promtool passes it, the linter reports the evaluation error',
      (name, text) => {
        const path = join(dir, 'evaluation.yaml');
        writeFileSync(path, text);
        expect(spawnSync(promtool, ['check', 'rules', path]).status).toBe(0);
        expect(lintRuleFileText(text, name).map(f => f.ruleId)).toEqual([
          'promql/syntax',
        ]);
      },
    );
  },
);
