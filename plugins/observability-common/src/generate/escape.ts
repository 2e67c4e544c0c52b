/**
 * Escaping for catalog text on its way into generated artifacts. Catalog
 * values are written by anyone who can open a pull request on a
 * `catalog-info.yaml`; none of them may break (or inject into) a PromQL
 * expression, a Prometheus alert template or a Kubernetes object.
 *
 * YAML itself is escaped by the `yaml` library when it serialises strings;
 * these helpers cover the languages nested inside those strings.
 */
import { BoundedMemo } from '../memo/BoundedMemo';

/** Any character {@link sanitizeText} may change (every surrogate, paired or not). */
const NEEDS_SANITIZING =
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uD800-\uDFFF\u2028\u2029\uFFFE\uFFFF]/;

/**
 * Makes catalog text safe to carry anywhere: lone UTF-16 surrogates become
 * U+FFFD (Prometheus requires valid UTF-8, and a lone surrogate has no UTF-8
 * form); U+2028/U+2029 become `\n` (YAML 1.1 parsers such as Go's yaml
 * library treat them as line breaks, so left raw they split a plain scalar
 * in two); control characters other than tab and newline and the
 * non-characters U+FFFE/U+FFFF, which YAML forbids, are dropped.
 * @public
 */
export function sanitizeText(s: string): string {
  // Almost all catalog text has none of these: one scan instead of three
  // replaces (and three copies) per string.
  if (!NEEDS_SANITIZING.test(s)) return s;
  return (
    s
      .replace(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '\uFFFD',
      )
      .replace(/[\u2028\u2029]/g, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFE\uFFFF]/g, '')
  );
}

/**
 * Escapes a string for use inside a double-quoted PromQL string literal,
 * e.g. the value of a label matcher: `service="<here>"`. PromQL strings follow
 * Go's escape rules; a raw newline would end the expression with a parse
 * error, a `"` would end the string and let the rest become PromQL.
 * @public
 */
export function escapePromLabelValue(s: string): string {
  let out = '';
  for (const ch of sanitizeText(s)) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\uFFFD':
        // Prometheus' PromQL lexer rejects a literal U+FFFD as an invalid
        // rune; the escape decodes to the same character.
        out += '\\uFFFD';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** A PromQL label matcher `name="value"`, the value escaped. @public */
export function promEqualMatcher(labelName: string, value: string): string {
  return `${labelName}="${escapePromLabelValue(value)}"`;
}

/**
 * Escapes text for Prometheus' Go templating (alert labels and annotations
 * are expanded as `text/template`). Outside an action, only `{{` has a
 * meaning, so each `{{` becomes an action printing `{{`. A trailing `{` is
 * escaped too: the generator appends its own `{{ $value }}` after catalog
 * text, and `x{` + `{{ $value }}` would otherwise open an action one brace
 * early. After expansion the alert shows exactly the original text.
 * @public
 */
export function escapePromTemplateText(s: string): string {
  const clean = sanitizeText(s);
  if (!clean.includes('{')) return clean;
  return clean.replace(/\{\{|\{$/g, m =>
    m === '{{' ? '{{ "{{" }}' : '{{ "{" }}',
  );
}

/**
 * Reverses {@link escapePromTemplateText}: the catalog text as an alert shows
 * it after Prometheus expands it. For displaying generated labels and
 * annotations outside Prometheus (UI, runbooks); `$value` actions stay as they are.
 * @public
 */
export function unescapePromTemplateText(s: string): string {
  return s.replace(/\{\{ "(\{\{|\{)" \}\}/g, (_, braces: string) => braces);
}

/** Characters with a meaning in RE2 syntax. */
const REGEX_META = /[\\.+*?()|[\]{}^$]/g;

/** Escapes a literal for use inside an RE2 regular expression. @public */
export function escapeRegex(s: string): string {
  return s.replace(REGEX_META, '\\$&');
}

/** {@link formatNumber}'s memo of fractions. */
const FORMATTED = new BoundedMemo<number, string>(1024);

const shortestDecimal = (n: number) => String(Number(n.toPrecision(12)));

/**
 * Formats a number for PromQL and YAML: the shortest decimal that reads back
 * as the same float64 (Go's parser and JavaScript agree on that), after
 * rounding away binary noise such as `1 - 0.999 = 0.0010000000000000009`.
 * @public
 */
export function formatNumber(n: number): string {
  // Integers of up to 12 digits are exact at 12 significant digits: skip the
  // round trip through toPrecision, which the rule generators pay dozens of
  // times per entity.
  if (Number.isInteger(n) && n < 1e12 && n > -1e12) return String(n);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  // The same few fractions (budgets, objectives, thresholds) recur across a
  // catalog; a bounded memo spares most of the string round trips.
  return FORMATTED.get(n, shortestDecimal);
}

/**
 * Every spelling a histogram bucket boundary can have in an `le` label, as
 * an RE2 pattern for `le=~"…"` (Prometheus anchors it). Prometheus 2 keeps
 * the exporter's text: `0.3` from Go and JavaScript clients, `1.0` from
 * Python's, `0.30` or `1.000` from exporters that print a fixed number of
 * decimals. Prometheus 3 normalises to float notation (`1.0`, `0.3`). Any
 * number of trailing zeros is allowed because the decimals an exporter
 * prints have no upper bound, and every such spelling is the same boundary.
 * @public
 */
export function leBucketRegex(boundary: number): string {
  const shortest = formatNumber(boundary);
  const spellings: string[] = [];
  if (/e/i.test(shortest)) spellings.push(escapeRegex(shortest));
  else if (shortest.includes('.')) spellings.push(`${escapeRegex(shortest)}0*`);
  else spellings.push(`${shortest}(?:\\.0*)?`);
  // Go's shortest %g (client_golang's text format, Prometheus 3's
  // normalisation) switches to exponent notation below 1e-4 and from 1e6,
  // with at least two exponent digits; JavaScript does so elsewhere.
  const abs = Math.abs(Number(shortest));
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) {
    const exponent = escapeRegex(
      Number(shortest)
        .toExponential()
        .replace(/e([+-])(\d)$/, 'e$10$2'),
    );
    if (!spellings.includes(exponent)) spellings.push(exponent);
  }
  return spellings.join('|');
}

/** 32-bit FNV-1a, base 36: a short stable suffix that keeps sanitised names distinct. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/**
 * A Kubernetes object name (RFC 1123 subdomain, at most `maxLength`) made from
 * arbitrary text. When characters had to be replaced, a hash of the original
 * is appended so `a b` and `a_b` do not end up as the same object.
 * @public
 */
export function kubernetesName(s: string, maxLength = 253): string {
  const lower = sanitizeText(s).toLowerCase();
  let name = lower
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  const lossy = name !== lower;
  if (lossy || name.length > maxLength) {
    const suffix = shortHash(s);
    name = name
      .slice(0, maxLength - suffix.length - 1)
      .replace(/[^a-z0-9]+$/, '');
    name = name ? `${name}-${suffix}` : suffix;
  }
  return name;
}

/** A Kubernetes label value (≤ 63 characters, alphanumeric at both ends, `-_.` inside). @public */
export function kubernetesLabelValue(s: string): string {
  const clean = sanitizeText(s);
  let value = clean
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (value !== clean || value.length > 63) {
    const suffix = shortHash(s);
    value = value
      .slice(0, 63 - suffix.length - 1)
      .replace(/[^A-Za-z0-9]+$/, '');
    value = value ? `${value}-${suffix}` : suffix;
  }
  return value;
}
