import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import {
  decodeStringLiteral,
  findPromqlSyntaxError,
  formatLabelMatchers,
  parseLabelMatchers,
  promqlString,
} from './labelMatchers';

function errorOf(text: string): string {
  const result = parseLabelMatchers(text);
  if (result.ok) throw new Error(`expected ${text} to be rejected`);
  return result.error;
}

describe('parseLabelMatchers', () => {
  it('parses all four operators and every quoting style', () => {
    const result = parseLabelMatchers(`a="1", b!='2',c=~\`x|y\`, d!~"z.*",`);
    expect(result).toEqual({
      ok: true,
      matchers: [
        { name: 'a', op: '=', value: '1' },
        { name: 'b', op: '!=', value: '2' },
        { name: 'c', op: '=~', value: 'x|y' },
        { name: 'd', op: '!~', value: 'z.*' },
      ],
    });
  });

  it('decodes escapes and re-serialises canonically', () => {
    const result = parseLabelMatchers(
      String.raw`path=~"/api/v\\d+/.*", q="say \"hi\""`,
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.matchers.map(m => m.value)).toEqual([
      '/api/v\\d+/.*',
      'say "hi"',
    ]);
    expect(formatLabelMatchers(result.matchers)).toBe(
      String.raw`path=~"/api/v\\d+/.*",q="say \"hi\""`,
    );
  });

  it.each([
    ['', /no label matchers/],
    ['service', /not a list|syntax error|incomplete/],
    ['service="a"} or vector(1) or up{b="c"', /not a list of label matchers/],
    ['service="a" # comment', /syntax error|not a list|unexpected/],
    ['service="a', /syntax error|unterminated/],
    [String.raw`x="a\.b"`, /unknown escape \\\./],
    ['"utf8.name"="x"', /quoted label names/],
    ['__name__="up"', /reserved/],
    ['env=~"(?=prod)"', /Perl syntax: `\(\?=`/],
    [String.raw`env=~"(a)\\1"`, /invalid escape sequence: `\\1`/],
    [String.raw`env=~"\\u0041"`, /invalid escape sequence: `\\u`/],
    ['env=~"a{1001}"', /invalid repeat count/],
    ['env=~"(("', /missing closing \)/],
    ['env=~"a)(b"', /unexpected \)/],
    [String.raw`env=~"[a-\\d]"`, /does not compile in Prometheus/],
    ['env=~"(?<n>a)"', /write \(\?P<name>…\)/],
    [String.raw`x="\xe9"`, /do not form UTF-8/],
    [String.raw`x="it\'s"`, /unknown escape \\'/],
    ['env!="prod"', /every matcher also matches the empty string/],
    ['env=~".*"', /every matcher also matches the empty string/],
    ['env="new\\nline"', /control characters/],
  ])('rejects %j', (text, message) => {
    expect(errorOf(text)).toMatch(message);
  });

  it('accepts a negative matcher next to a positive one', () => {
    expect(parseLabelMatchers('service="a",env!="dev"').ok).toBe(true);
  });

  // Plain lists are read without the PromQL parser; a trailing comma, which
  // PromQL allows, sends the same list through the parser.
  const spaces = fc.stringMatching(/^ {0,2}$/);
  const plainMatcher = fc
    .record({
      before: spaces,
      name: fc.oneof(
        fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
        // PromQL keywords and names the parser treats specially.
        fc.constantFrom(
          'and',
          'or',
          'unless',
          'by',
          'on',
          'bool',
          'offset',
          'without',
          'group_left',
          'ignoring',
          'inf',
          'nan',
          'sum',
          'start',
          'end',
          '__name__',
          '_',
        ),
      ),
      around: spaces,
      op: fc.constantFrom('=', '!=', '=~', '!~'),
      after: spaces,
      value: fc.oneof(
        fc.stringMatching(/^[ !#-[\]-~]{0,8}$/),
        fc.constantFrom('', '.*', '.+', 'prod|dev', '(', 'a{2,1}', '#x', '`'),
      ),
    })
    .map(m => `${m.before}${m.name}${m.around}${m.op}${m.after}"${m.value}"`);
  const plainList = fc
    .array(plainMatcher, { minLength: 1, maxLength: 4 })
    .chain(list => spaces.map(end => `${list.join(',')}${end}`));

  it('reads plain lists exactly as the PromQL parser does', () => {
    fc.assert(
      fc.property(plainList, text => {
        const plain = parseLabelMatchers(text);
        const parsed = parseLabelMatchers(`${text},`);
        // Only whether it parses and the matchers: the parser's error
        // messages count characters, and the comma adds one.
        expect(plain.ok ? plain.matchers : false).toEqual(
          parsed.ok ? parsed.matchers : false,
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('decodeStringLiteral', () => {
  it.each([
    [`"a\\tb"`, 'a\tb'],
    [`'it\\'s'`, "it's"],
    ['"\\x41\\u00e9\\101"', 'Aé' + 'A'],
    ['`raw\\d`', 'raw\\d'],
    ['"\\xc3\\xa9\\303\\251"', 'éé'],
  ])('decodes %s', (literal, value) => {
    expect(decodeStringLiteral(literal)).toEqual({ value });
  });

  it('escapes what a generated file could not carry as is, and still decodes to the same text', () => {
    const text = 'a\u2028b\u2029c\ufffed\uffffe\u0085f\ufffdg\th\u0001';
    const literal = promqlString(text);
    expect(literal).toBe(
      '"a\\u2028b\\u2029c\\uFFFEd\\uFFFFe\\u0085f\\uFFFDg\\th\\u0001"',
    );
    expect(decodeStringLiteral(literal)).toEqual({ value: text });
    expect(findPromqlSyntaxError(`up{a=${literal}}`)).toBeUndefined();
  });

  it('round-trips arbitrary Unicode through promqlString', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), s => {
        expect(decodeStringLiteral(promqlString(s))).toEqual({ value: s });
      }),
    );
  });

  it('round-trips through promqlString', () => {
    fc.assert(
      fc.property(fc.string(), s => {
        expect(decodeStringLiteral(promqlString(s))).toEqual({ value: s });
      }),
    );
  });
});

describe('findPromqlSyntaxError', () => {
  it('finds errors that Lezer recovers from silently', () => {
    expect(findPromqlSyntaxError('sum(rate(x[5m]))')).toBeUndefined();
    expect(findPromqlSyntaxError('sum(rate(x[5m])')).toMatch(/syntax error/);
    expect(findPromqlSyntaxError('up{a=b}')).toMatch(/syntax error/);
    expect(findPromqlSyntaxError('  ')).toMatch(/empty/);
  });
});

/** Tokens that make regexes interesting for both engines. */
const regexToken = fc.constantFrom(
  'a',
  'Z',
  '0',
  '.',
  '*',
  '+',
  '?',
  '|',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '^',
  '$',
  '-',
  ',',
  '{2}',
  '{1,3}',
  '{,2}',
  '(?:',
  '(?i)',
  '(?P<n>',
  '(?<n>',
  '\\d',
  '\\w',
  '\\s',
  '\\.',
  '\\\\',
  '\\x41',
  '\\x4',
  '\\x{263a}',
  '\\p{Greek}',
  '\\pL',
  '\\Q',
  '\\E',
  '\\b',
  '\\z',
  '\\Z',
  '\\u0041',
  '\\0',
  '[[:alpha:]]',
  '[^a]',
  '[a-',
  'é',
  '"',
  "'",
);
const candidate = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('env', 'path'),
      fc.constantFrom('=~', '!~'),
      fc.array(regexToken, { maxLength: 8 }),
    )
    .map(
      ([name, op, tokens]) =>
        `service="x",${name}${op}${JSON.stringify(tokens.join(''))}`,
    ),
  fc
    .tuple(fc.constantFrom('service', 'team'), fc.string({ unit: 'grapheme' }))
    .map(([n, v]) => `${n}=${JSON.stringify(v)}`),
  fc.string(),
);

describeWithBinary('promtool')(
  'parseLabelMatchers agrees with Prometheus',
  promtool => {
    it('only accepts matchers that promtool accepts', () => {
      const accepted = fc
        .sample(candidate, { numRuns: 4000, seed: 42 })
        .map(text => parseLabelMatchers(text))
        .flatMap(r => (r.ok ? [formatLabelMatchers(r.matchers)] : []));
      // Hand-picked RE2 forms that must be accepted, so the sample cannot be trivially empty.
      const curated = [
        'env=~"prod|staging"',
        String.raw`path=~"/api/v\\d+/.*"`,
        'zone!~"eu-.*",service="a"',
        'a=~"[[:alpha:]]+"',
        'a=~"(?i)foo|bar"',
        String.raw`a=~"\\bfoo\\b|(?P<n>x)[]y]"`,
        String.raw`a=~"\\Qa.b\\E"`,
      ];
      for (const text of curated)
        expect([text, parseLabelMatchers(text).ok]).toEqual([text, true]);
      const selectors = [...new Set([...accepted, ...curated])];
      expect(selectors.length).toBeGreaterThan(500);
      const dir = mkdtempSync(join(tmpdir(), 'redline-matchers-'));
      try {
        const file = join(dir, 'rules.yml');
        const rules = selectors.map((s, i) => ({
          record: `redline:matchers_test:${i}`,
          expr: `up{${s}}`,
        }));
        writeFileSync(
          file,
          JSON.stringify({ groups: [{ name: 'matchers', rules }] }),
        );
        let out: string;
        try {
          out = execFileSync(promtool, ['check', 'rules', file], {
            encoding: 'utf8',
            stdio: 'pipe',
          });
        } catch (e) {
          const err = e as { stdout?: string; stderr?: string };
          throw new Error(
            `promtool rejected a selector we accept:\n${err.stdout ?? ''}${
              err.stderr ?? ''
            }`,
          );
        }
        expect(out).toContain(`SUCCESS: ${rules.length} rules found`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
