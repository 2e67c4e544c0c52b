import fc from 'fast-check';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- test/support is the repo's shared test kit, not a package
import { describeWithBinary } from '../../../../test/support/binaries';
import { checkRules } from '../generate/__promtool__/runPromtool';
import { parseLabelMatchers } from './labelMatchers';
import { compilePromRegex, promRegexError } from './promRegex';

type Verdict = 'accept' | 'reject';

/**
 * The text between the quotes of `service=~"…"` in an annotation value, so
 * each case runs the whole chain: PromQL string unescaping, then RE2. In a
 * YAML annotation a regex escape therefore needs two backslashes.
 */
const CASES: Array<[string, Verdict]> = [
  // Patterns the old hand-written approximation judged wrongly.
  ['[[:foo:]]x', 'reject'],
  [String.raw`caf\\é`, 'reject'],
  [String.raw`a\\x{FFFFFF}`, 'reject'],
  ['(?i)foo|bar', 'accept'],
  ['(?s)f.o', 'accept'],
  [String.raw`\\bfoo`, 'accept'],
  ['(?U)a+', 'accept'],
  ['(?P<n>a)', 'accept'],
  [String.raw`\\Afoo\\z`, 'accept'],
  [String.raw`\\pL`, 'accept'],
  ['[]a]', 'accept'],
  [String.raw`\\Qa.b\\E`, 'accept'],
  // Ordinary patterns and RE2's limits.
  ['a|b', 'accept'],
  ['.*', 'accept'],
  ['foo.+', 'accept'],
  ['(?=x)', 'reject'],
  [String.raw`(a)\\1`, 'reject'],
  ['x{1001}', 'reject'],
  ['x{1000}', 'accept'],
  ['(x{1000}){2}', 'reject'],
  [`${'('.repeat(1000)}a${')'.repeat(1000)}`, 'reject'],
  ['a)(b', 'reject'],
  ['((', 'reject'],
  [String.raw`[a-\\d]`, 'reject'],
  [String.raw`\\C`, 'reject'],
  [String.raw`\\p{Foo}`, 'reject'],
  [String.raw`\\x{10FFFF}`, 'accept'],
  [String.raw`\\123`, 'accept'],
  ['[[:word:]]+', 'accept'],
  ['(?P<n>a)(?P<n>b)', 'accept'],
  // PromQL's own unescaping, before RE2 sees anything.
  [String.raw`caf\é`, 'reject'],
  [String.raw`a\.b`, 'reject'],
  [String.raw`it\'s`, 'reject'],
  [String.raw`\u00e9`, 'accept'],
  [String.raw`\xc3\xa9`, 'accept'],
  [String.raw`\303\251`, 'accept'],
  [String.raw`\xe9`, 'reject'],
  [String.raw`\400`, 'reject'],
  [String.raw`\uD800`, 'reject'],
];

/** A second matcher keeps Redline's "selects every series" rule out of the verdict, as `up` does for promtool. */
function redlineVerdict(body: string): Verdict {
  return parseLabelMatchers(`team="x",service=~"${body}"`).ok
    ? 'accept'
    : 'reject';
}

describe('label-matcher regexes', () => {
  it.each(
    CASES.map(([body, verdict]) => ({
      title:
        body.length > 40
          ? `${body.slice(0, 10)}… (${body.length} characters)`
          : body,
      body,
      verdict,
    })),
  )('$title: $verdict', ({ body, verdict }) => {
    expect(redlineVerdict(body)).toBe(verdict);
  });

  it("quotes RE2's reason", () => {
    const result = parseLabelMatchers(String.raw`service=~"caf\\é"`);
    expect(result).toEqual({
      ok: false,
      error:
        'the regular expression of service=~ does not compile in Prometheus: error parsing regexp: invalid escape sequence: `\\é`',
    });
  });

  it('refuses (?<name>…), which Prometheus built with Go before 1.22 cannot read', () => {
    expect(promRegexError('(?<n>a)')).toMatch(/write \(\?P<name>…\)/);
    expect(promRegexError(String.raw`[(?<]\(?<n>`)).toBeUndefined();
  });

  it('matches anchored, with . matching newlines', () => {
    const compiled = compilePromRegex('a.c');
    if (!('regex' in compiled)) throw new Error(compiled.error);
    expect(compiled.regex.test('a\nc')).toBe(true);
    expect(compiled.regex.test('xabc')).toBe(false);
    expect(compilePromRegex('a.c')).toBe(compiled);
  });
});

function ruleFile(body: string): string {
  return JSON.stringify({
    groups: [
      { name: 'g', rules: [{ record: 'r', expr: `up{service=~"${body}"}` }] },
    ],
  });
}

/** promtool's verdict on each body, all checked by one promtool run. */
function promtoolVerdicts(promtool: string, bodies: string[]): Verdict[] {
  const files = Object.fromEntries(
    bodies.map((body, i) => [`case-${i}.yml`, ruleFile(body)]),
  );
  const { output } = checkRules(promtool, files);
  return bodies.map((_, i) =>
    new RegExp(`Checking case-${i}\\.yml\\n\\s+SUCCESS`).test(output)
      ? 'accept'
      : 'reject',
  );
}

/**
 * Pieces of regex and PromQL-string syntax. Control characters and `(?<` are
 * left out: Redline refuses those on purpose where Prometheus may not.
 */
const PIECES =
  String.raw`a . * + ? | ( ) [ ] {2} {,2} - ^ $ (?: (?i) (?-s) (?P<n>
  [[:alpha:]] [:alpha:] \\d \\pL \\p{Greek} \\b \\Q \\E \\z \\Z \\1 \\x{263a} \\x4 \\ \\. \\C
  \xc3 \xa9 \u00e9 \. \' é ' " ${'`'}`.split(/\s+/);

describeWithBinary('promtool')('label-matcher regexes', promtool => {
  it("gives promtool's verdict on every case", () => {
    const bodies = CASES.map(([body]) => body);
    const verdicts = promtoolVerdicts(promtool, bodies);
    expect(bodies.map((b, i) => [b, verdicts[i]])).toEqual(CASES);
  });

  it("gives promtool's verdict on generated patterns", () => {
    const bodies = [
      ...new Set(
        fc.sample(
          fc
            .array(fc.constantFrom(...PIECES), { maxLength: 8 })
            .map(p => p.join('')),
          { numRuns: 1500, seed: 7 },
        ),
      ),
    ];
    const verdicts = promtoolVerdicts(promtool, bodies);
    expect(verdicts.filter(v => v === 'accept').length).toBeGreaterThan(100);
    expect(bodies.map(b => [b, redlineVerdict(b)])).toEqual(
      bodies.map((b, i) => [b, verdicts[i]]),
    );
  });
});
