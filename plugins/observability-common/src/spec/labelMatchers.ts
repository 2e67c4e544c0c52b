/**
 * PromQL label matchers (`service="checkout",env=~"prod|staging"`), parsed with
 * the official Lezer PromQL grammar and re-serialised in one canonical form.
 *
 * Annotations are user input that ends up inside generated PromQL, so the
 * value is never pasted into a query: it is parsed into matchers, each matcher
 * is checked, and only the canonical re-serialisation is used. That rules out
 * query injection such as `a="b"} or vector(1) or up{`.
 */
import type { Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { isValidLabelName } from './names';

/** One label matcher. @public */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  /** The decoded value (escapes resolved). */
  value: string;
}

/** Result of {@link parseLabelMatchers}. @public */
export type LabelMatchersResult =
  | { ok: true; matchers: LabelMatcher[] }
  | { ok: false; error: string };

const OPS = new Set(['=', '!=', '=~', '!~']);
const WRAPPER = 'up{';
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Code points that travel as `\uXXXX` escapes, so the literal is printable
 * text that every file Redline writes carries unchanged: Prometheus' lexer
 * reads a literal U+FFFD as a decoding error, and Go's YAML parser splits
 * scalars on U+2028/U+2029 and rejects U+FFFE/U+FFFF and C1 controls.
 */
const UNICODE_ESCAPED =
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufffd\ufffe\uffff]/g;

/**
 * Encodes a string as a double-quoted PromQL (Go) string literal that
 * decodes to exactly `value` and can be written into any generated file as is.
 * @public
 */
export function promqlString(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(
      UNICODE_ESCAPED,
      c => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
    )}"`;
}

/** Serialises matchers as `a="b",c=~"d"` (no braces). @public */
export function formatLabelMatchers(matchers: LabelMatcher[]): string {
  return matchers
    .map(m => `${m.name}${m.op}${promqlString(m.value)}`)
    .join(',');
}

/**
 * Returns a message describing the first syntax error in a PromQL expression,
 * or undefined when it parses. Lezer recovers from errors, so the tree is
 * searched for error nodes instead of relying on an exception.
 * @public
 */
export function findPromqlSyntaxError(expr: string): string | undefined {
  if (expr.trim() === '') return 'the expression is empty';
  return firstErrorNode(parser.parse(expr), expr);
}

/** {@link findPromqlSyntaxError}'s search, on a tree already parsed from `expr`. */
function firstErrorNode(tree: Tree, expr: string): string | undefined {
  let error: string | undefined;
  tree.iterate({
    enter(node) {
      if (error) return false;
      if (node.type.isError) {
        error = `syntax error at character ${node.from + 1} near "${expr.slice(
          Math.max(0, node.from - 10),
          node.from + 10,
        )}"`;
        return false;
      }
      return undefined;
    },
  });
  return error;
}

/** Digits after \\x, \\u and \\U in Go string literals. */
const HEX_ESCAPE_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\u0007',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Decodes a PromQL string literal (Go quoting rules) or returns an error message. */
export function decodeStringLiteral(
  literal: string,
): { value: string } | { error: string } {
  const quote = literal[0];
  if (quote === '`') {
    if (literal.length < 2 || !literal.endsWith('`'))
      return { error: `unterminated string ${literal}` };
    return { value: literal.slice(1, -1) };
  }
  if (
    (quote !== '"' && quote !== "'") ||
    literal.length < 2 ||
    !literal.endsWith(quote)
  ) {
    return { error: `unterminated string ${literal}` };
  }
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === quote) return { error: `unescaped ${quote} inside ${literal}` };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined)
      return { error: `dangling backslash in ${literal}` };
    if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      i += 1;
      continue;
    }
    const hexLength = HEX_ESCAPE_LENGTH[next] ?? 0;
    if (hexLength > 0) {
      const hex = body.slice(i + 2, i + 2 + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) {
        return { error: `bad \\${next} escape in ${literal}` };
      }
      const code = parseInt(hex, 16);
      if (code > 0x10ffff)
        return { error: `bad \\${next} escape in ${literal}` };
      out += String.fromCodePoint(code);
      i += 1 + hexLength;
      continue;
    }
    if (/[0-7]/.test(next)) {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct))
        return { error: `bad octal escape in ${literal}` };
      out += String.fromCharCode(parseInt(oct, 8));
      i += 3;
      continue;
    }
    return {
      error: `unknown escape \\${next} in ${literal} (in PromQL strings a literal backslash is written \\\\, e.g. "a\\\\.b")`,
    };
  }
  return { value: out };
}

/**
 * Escapes Go's regexp/syntax knows besides escaped punctuation (`\u`, `\k`, `\Z`… are errors there).
 * `\Q…\E` quoting is refused: JS reads it differently, so the patterns could not be checked.
 * Assertions (`\b`, `\A`, `\z`) are refused too: Go rejects them inside character classes and they mean
 * nothing in an anchored label match.
 * `\p{…}` is left out on purpose: JS without the u flag reads it as a literal, so an unknown class would slip through.
 */
const RE2_LETTER_ESCAPES = new Set('aftnrvxdDsSwW0'.split(''));

/**
 * Go's RE2 has no look-around, back-references or `\u` escapes, and caps
 * repetition counts at 1000; JavaScript allows all of those. They are
 * rejected explicitly before asking the JS engine whether the rest compiles.
 * The result approximates RE2 and errs on the strict side: a pattern accepted
 * here is accepted by Prometheus (the promtool tests check this), while a few
 * exotic RE2-only forms such as `(?P<name>…)` are refused.
 */
function regexError(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next))
        return 'back-references (\\1) are not supported by Prometheus (RE2)';
      if (/[A-Za-z0-9]/.test(next) && !RE2_LETTER_ESCAPES.has(next)) {
        return `the escape \\${next} is not supported by Prometheus (RE2)`;
      }
      if (
        next === 'x' &&
        !/^\\x(?:[0-9A-Fa-f]{2}|\{[0-9A-Fa-f]{1,6}\})/.test(pattern.slice(i))
      ) {
        return 'a \\x escape needs two hex digits (\\x41) or braces (\\x{41})';
      }
      // JS treats [a-\d] and [\d-z] as literal dashes; Go rejects them as ranges.
      if (
        inClass &&
        /[dDsSwW]/.test(next) &&
        (pattern[i - 1] === '-' ||
          (pattern[i + 2] === '-' && pattern[i + 3] !== ']'))
      ) {
        return `a range cannot start or end at \\${next}; escape the dash as \\-`;
      }
      i += 1;
    } else if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const close = pattern.indexOf(':]', i + 2);
        if (close > 0) i = close + 1;
      } else if (c === ']') {
        inClass = false;
      }
    } else if (c === '[') {
      // Go reads a leading ] as a literal member of the class, JS as an empty class.
      if (
        pattern[i + 1] === ']' ||
        (pattern[i + 1] === '^' && pattern[i + 2] === ']')
      ) {
        return 'a character class cannot start with ]; escape it as \\]';
      }
      inClass = true;
      if (pattern[i + 1] === '^') i += 1;
    } else if (
      c === '(' &&
      pattern[i + 1] === '?' &&
      /^[=!<]/.test(pattern[i + 2] ?? '')
    ) {
      return 'look-around and (?<name>) groups are not supported by Prometheus (RE2)';
    }
  }
  const counts = [...pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)].flatMap(m => [
    m[1],
    m[2] ?? '',
  ]);
  if (counts.some(n => n !== '' && Number(n) > 1000)) {
    return 'repetition counts above 1000 are not supported by Prometheus (RE2)';
  }
  try {
    // Compiled bare first: wrapped alone, "a)(b" would balance into "^(?:a)(b)$".
    // eslint-disable-next-line no-new
    new RegExp(pattern);
    // Prometheus anchors label regexes on both ends.
    // eslint-disable-next-line no-new
    new RegExp(`^(?:${pattern})$`);
    return undefined;
  } catch (e) {
    return `invalid regular expression: ${(e as Error).message}`;
  }
}

/** True when the matcher would also select series that lack the label entirely. */
export function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return (
        regexError(m.value) === undefined &&
        new RegExp(`^(?:${m.value})$`).test('')
      );
    case '!~':
      return (
        regexError(m.value) === undefined &&
        !new RegExp(`^(?:${m.value})$`).test('')
      );
    default:
      return true;
  }
}

/**
 * Parses a comma-separated list of label matchers without braces, e.g.
 * `service="checkout",env=~"prod|staging"`. At least one matcher is required
 * and at least one must not match the empty string, otherwise the selector
 * would select every service's series.
 * @public
 */
export function parseLabelMatchers(text: string): LabelMatchersResult {
  if (text.trim() === '')
    return { ok: false, error: 'no label matchers given' };
  const source = `${WRAPPER}${text}}`;
  const tree = parser.parse(source);
  const fail = (error: string): LabelMatchersResult => ({ ok: false, error });

  const top = tree.topNode.firstChild;
  if (
    !top ||
    top.name !== 'VectorSelector' ||
    top.from !== 0 ||
    top.to !== source.length ||
    top.nextSibling
  ) {
    return fail(
      'not a list of label matchers (is a brace or quote unbalanced?)',
    );
  }
  // The tree parsed above: `source` is never blank, so this is what
  // findPromqlSyntaxError(source) reports, without parsing it a second time.
  const syntax = firstErrorNode(tree, source);
  if (syntax)
    return fail(
      syntax.replace(
        /character (\d+)/,
        (_, n) => `character ${Number(n) - WRAPPER.length}`,
      ),
    );
  const list = top.getChild('LabelMatchers');
  if (!list) return fail('not a list of label matchers');

  const matchers: LabelMatcher[] = [];
  for (let child = list.firstChild; child; child = child.nextSibling) {
    const raw = source.slice(child.from, child.to);
    if (child.name === '{' || child.name === '}' || child.name === ',')
      continue;
    if (child.name !== 'UnquotedLabelMatcher') {
      return fail(
        `unexpected ${raw} (write name="value"; quoted label names are not supported)`,
      );
    }
    const nameNode = child.getChild('LabelName');
    const opNode = child.getChild('MatchOp');
    const valueNode = child.getChild('StringLiteral');
    if (!nameNode || !opNode || !valueNode)
      return fail(`incomplete matcher ${raw}`);
    const name = source.slice(nameNode.from, nameNode.to);
    const op = source.slice(opNode.from, opNode.to);
    if (!isValidLabelName(name)) return fail(`invalid label name ${name}`);
    if (name.startsWith('__'))
      return fail(
        `label ${name} is reserved (names starting with __ are internal)`,
      );
    if (!OPS.has(op)) return fail(`unknown operator ${op}`);
    const decoded = decodeStringLiteral(
      source.slice(valueNode.from, valueNode.to),
    );
    if ('error' in decoded) return fail(decoded.error);
    if (
      CONTROL_CHARS.test(decoded.value) ||
      LONE_SURROGATE.test(decoded.value)
    ) {
      return fail(`the value of ${name} contains control characters`);
    }
    const matcher = {
      name,
      op: op as LabelMatcher['op'],
      value: decoded.value,
    };
    if (op === '=~' || op === '!~') {
      const bad = regexError(matcher.value);
      if (bad) return fail(`${name}${op}: ${bad}`);
    }
    matchers.push(matcher);
  }
  if (matchers.length === 0) return fail('no label matchers given');
  if (matchers.every(matchesEmpty)) {
    return fail(
      'every matcher also matches the empty string, so this would select every series; add one like service="my-service"',
    );
  }
  return { ok: true, matchers };
}
