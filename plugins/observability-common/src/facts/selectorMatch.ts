import type { LabelMatcher } from '../spec/labelMatchers';
import { compilePromRegex } from '../spec/promRegex';

/**
 * Whether a series' labels satisfy label matchers, as Prometheus decides it:
 * an absent label is the empty string, and regexes run on RE2 anchored as
 * Prometheus anchors them (the engine that validated the selector).
 * @public
 */
export function labelsMatch(
  labels: Readonly<Record<string, string>>,
  matchers: readonly LabelMatcher[],
): boolean {
  return matchers.every(m => {
    const value = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return regexMatches(m.value, value);
      case '!~':
        return !regexMatches(m.value, value);
      default:
        return false;
    }
  });
}

/**
 * A pattern Prometheus refuses matches nothing (and `!~` then everything):
 * parsed selectors never carry one, and under-reporting presence beats
 * claiming series that are not there.
 */
function regexMatches(pattern: string, value: string): boolean {
  const compiled = compilePromRegex(pattern);
  return 'regex' in compiled && compiled.regex.test(value);
}
