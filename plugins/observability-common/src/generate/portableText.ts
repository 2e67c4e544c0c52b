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
 * A cheap first look for {@link UNPORTABLE}: any surrogate, paired or not,
 * and the four other code points. Text without one needs nothing replaced.
 */
const MAY_BE_UNPORTABLE = /[\uD800-\uDFFF\uFFFE\uFFFF\u2028\u2029]/;

/**
 * Replaces lone surrogates and non-characters with U+FFFD and the Unicode
 * line/paragraph separators with a space.
 * @public
 */
export function portableText(text: string): string {
  if (!MAY_BE_UNPORTABLE.test(text)) return text;
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
  // Nearly every spec is portable already: look first without allocating,
  // and copy only when something may need replacing.
  return mayNeedPortable(value) ? portableCopy(value) : value;
}

/** True when some string inside `value` may need {@link portableText}; false means none does. */
function mayNeedPortable(value: unknown): boolean {
  if (typeof value === 'string') return MAY_BE_UNPORTABLE.test(value);
  if (Array.isArray(value)) {
    for (const item of value) if (mayNeedPortable(item)) return true;
    return false;
  }
  if (value && typeof value === 'object') {
    for (const key in value) {
      if (
        Object.prototype.hasOwnProperty.call(value, key) &&
        mayNeedPortable((value as Record<string, unknown>)[key])
      )
        return true;
    }
  }
  return false;
}

function portableCopy<T>(value: T): T {
  if (typeof value === 'string') {
    UNPORTABLE.lastIndex = 0;
    return (UNPORTABLE.test(value) ? portableText(value) : value) as T;
  }
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map(item => {
      const next = portableCopy(item);
      if (next !== item) changed = true;
      return next;
    });
    return (changed ? items : value) as T;
  }
  if (value && typeof value === 'object') {
    let changed = false;
    const entries = Object.entries(value).map(([k, v]) => {
      const next = portableCopy(v);
      if (next !== v) changed = true;
      return [k, next] as const;
    });
    return (changed ? Object.fromEntries(entries) : value) as T;
  }
  return value;
}
