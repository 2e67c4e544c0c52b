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
  return text.replace(UNPORTABLE, c =>
    c === '\u2028' || c === '\u2029' ? ' ' : '\uFFFD',
  );
}

/**
 * {@link portableText} applied to every string inside a plain value (objects,
 * arrays). Returns the value itself when nothing needed replacing, so the
 * common case allocates nothing.
 * @public
 */
export function portableValue<T>(value: T): T {
  if (typeof value === 'string') {
    UNPORTABLE.lastIndex = 0;
    return (UNPORTABLE.test(value) ? portableText(value) : value) as T;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map(item => {
      const next = portableValue(item);
      if (next !== item) changed = true;
      return next;
    });
    return (changed ? items : value) as T;
  }
  if (value && typeof value === 'object') {
    let changed = false;
    const entries = Object.entries(value).map(([k, v]) => {
      const next = portableValue(v);
      if (next !== v) changed = true;
      return [k, next] as const;
    });
    return (changed ? Object.fromEntries(entries) : value) as T;
  }
  return value;
}
