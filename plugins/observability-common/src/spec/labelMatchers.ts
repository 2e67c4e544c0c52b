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
import { compilePromRegex, promRegexError } from './promRegex';
import { BoundedMemo } from '../memo/BoundedMemo';

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

/** One-character escapes; the literal's own quote is the only other one. */
const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\u0007',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

interface NumericEscape {
  /** Characters between the backslash and the digits. */
  prefix: number;
  count: number;
  base: 8 | 16;
  max: number;
  /** Go reads \x and octal escapes as single bytes, \u and \U as code points. */
  isByte: boolean;
}

const OCTAL: NumericEscape = {
  prefix: 0,
  count: 3,
  base: 8,
  max: 0xff,
  isByte: true,
};

const NUMERIC_ESCAPES: Record<string, NumericEscape> = {
  x: { prefix: 1, count: 2, base: 16, max: 0xff, isByte: true },
  u: { prefix: 1, count: 4, base: 16, max: 0x10ffff, isByte: false },
  U: { prefix: 1, count: 8, base: 16, max: 0x10ffff, isByte: false },
  ...Object.fromEntries([...'01234567'].map(d => [d, OCTAL])),
};

const DIGITS = { 8: /^[0-7]+$/, 16: /^[0-9a-fA-F]+$/ };

type Piece = { length: number } & ({ text: string } | { byte: number });

/** Reads the escape whose backslash is at body[i], as Prometheus' lexer does. */
function readEscape(
  literal: string,
  body: string,
  i: number,
): Piece | { error: string } {
  const next = body[i + 1];
  if (next === undefined) return { error: `dangling backslash in ${literal}` };
  if (next === literal[0] || next in SIMPLE_ESCAPES)
    return { text: SIMPLE_ESCAPES[next] ?? next, length: 2 };
  const numeric = NUMERIC_ESCAPES[next];
  if (!numeric) {
    return {
      error: `unknown escape \\${next} in ${literal} (in PromQL strings a literal backslash is written \\\\, e.g. "a\\\\.b")`,
    };
  }
  const start = i + 1 + numeric.prefix;
  const digits = body.slice(start, start + numeric.count);
  const code = parseInt(digits, numeric.base);
  if (
    digits.length < numeric.count ||
    !DIGITS[numeric.base].test(digits) ||
    code > numeric.max ||
    (code >= 0xd800 && code < 0xe000)
  ) {
    return { error: `bad \\${next} escape in ${literal}` };
  }
  const length = 1 + numeric.prefix + numeric.count;
  return numeric.isByte
    ? { byte: code, length }
    : { text: String.fromCodePoint(code), length };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a PromQL string literal as Prometheus' lexer and Go's unquoting do,
 * or returns an error message. Byte escapes are decoded as UTF-8, as in Go:
 * `"\xc3\xa9"` is `é`, and a lone `"\xe9"` is no text at all.
 */
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
  let bytes: number[] = [];
  const flushBytes = (): boolean => {
    if (bytes.length === 0) return true;
    try {
      out += UTF8.decode(Uint8Array.from(bytes));
    } catch {
      return false;
    }
    bytes = [];
    return true;
  };
  const notUtf8 = {
    error: `the \\x or octal escapes in ${literal} do not form UTF-8 text`,
  };
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c === quote) return { error: `unescaped ${quote} inside ${literal}` };
    const piece =
      c === '\\' ? readEscape(literal, body, i) : { text: c, length: 1 };
    if ('error' in piece) return piece;
    if ('byte' in piece) bytes.push(piece.byte);
    else if (flushBytes()) out += piece.text;
    else return notUtf8;
    i += piece.length;
  }
  return flushBytes() ? { value: out } : notUtf8;
}

/** True when the matcher would also select series that lack the label entirely. */
export function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
    case '!~': {
      const compiled = compilePromRegex(m.value);
      return 'regex' in compiled && compiled.regex.test('') === (m.op === '=~');
    }
    default:
      return true;
  }
}

/**
 * One parse per selector text: a spec keeps its selector as written, and the
 * fact gatherer and rule matching read the matchers of every entity again
 * (a coverage run would otherwise parse each selector three times). Results
 * are never mutated; bounded because selectors come from a changing catalog.
 * The bound is above the selectors of a large catalog (every entity has its
 * own), or a coverage run would empty it every few thousand entities and
 * parse each selector again; a parse is a few hundred bytes.
 */
const parsed = new BoundedMemo<string, LabelMatchersResult>(50_000);

const parseAny = (text: string): LabelMatchersResult =>
  parsePlain(text) ?? parseUncached(text);

/**
 * Parses a comma-separated list of label matchers without braces, e.g.
 * `service="checkout",env=~"prod|staging"`. At least one matcher is required
 * and at least one must not match the empty string, otherwise the selector
 * would select every service's series.
 * @public
 */
export function parseLabelMatchers(text: string): LabelMatchersResult {
  return parsed.get(text, parseAny);
}

/**
 * A list of plain matchers: an unquoted name, an operator and a
 * double-quoted value of printable ASCII without escapes, separated by
 * commas and spaces. Nearly every selector in a catalog is one.
 */
const PLAIN_LIST =
  /^ *[A-Za-z_][A-Za-z0-9_]* *(?:=|!=|=~|!~) *"[ !#-[\]-~]*" *(?:, *[A-Za-z_][A-Za-z0-9_]* *(?:=|!=|=~|!~) *"[ !#-[\]-~]*" *)*$/;
const PLAIN_MATCHER = /([A-Za-z_][A-Za-z0-9_]*) *(=~|!~|!=|=) *"([^"]*)"/g;

/**
 * The matchers of a plain list (see `PLAIN_LIST`), read without the PromQL
 * parser; undefined for anything else, and for plain lists the parser
 * would reject, which then go through it for its message. A coverage run
 * reads a selector of its own for thousands of entities, and the parser
 * took 16-43 µs a list where this takes about 3 µs. A property test holds
 * the two to the same answers (a trailing comma, which PromQL allows,
 * sends a list through the parser).
 */
function parsePlain(text: string): LabelMatchersResult | undefined {
  if (!PLAIN_LIST.test(text)) return undefined;
  const matchers: LabelMatcher[] = [];
  for (const [, name, op, value] of text.matchAll(PLAIN_MATCHER)) {
    if (name.startsWith('__')) return undefined;
    if ((op === '=~' || op === '!~') && promRegexError(value)) return undefined;
    matchers.push({ name, op: op as LabelMatcher['op'], value });
  }
  return matchers.every(matchesEmpty) ? undefined : { ok: true, matchers };
}

/**
 * The canonical text of valid matchers (what a spec stores as its
 * selector), remembered as their parse: the gatherer and rule matching read
 * it back for every entity, and a coverage run must not parse each
 * entity's selector twice.
 * @public
 */
export function canonicalLabelMatchers(matchers: LabelMatcher[]): string {
  const text = formatLabelMatchers(matchers);
  parsed.set(text, { ok: true, matchers });
  return text;
}

function parseUncached(text: string): LabelMatchersResult {
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
      const bad = promRegexError(matcher.value);
      if (bad)
        return fail(
          `the regular expression of ${name}${op} does not compile in Prometheus: ${bad}`,
        );
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
