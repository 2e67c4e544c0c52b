/**
 * Text every consumer of Redline's files can read. Prometheus and
 * Alertmanager parse YAML with Go's parser, which rejects lone UTF-16
 * surrogates (they cannot even be encoded as UTF-8), the non-characters
 * U+FFFE/U+FFFF, and treats U+2028/U+2029 as line breaks in the middle of a
 * scalar. The JavaScript YAML writer emits all of them as they are, so they
 * are replaced before any catalog text reaches a file.
 */

const UNPORTABLE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF\u2028\u2029]/g;

/**
 * Replaces lone surrogates and non-characters with U+FFFD and the Unicode
 * line/paragraph separators with a space.
 * @public
 */
export function portableText(text: string): string {
  return text.replace(UNPORTABLE, c => (c === '\u2028' || c === '\u2029' ? ' ' : '\uFFFD'));
}

/** {@link portableText} applied to every string inside a plain value (objects, arrays). @public */
export function portableValue<T>(value: T): T {
  if (typeof value === 'string') {
    UNPORTABLE.lastIndex = 0;
    return (UNPORTABLE.test(value) ? portableText(value) : value) as T;
  }
  if (Array.isArray(value)) return value.map(portableValue) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, portableValue(v)]),
    ) as T;
  }
  return value;
}
