import type { LabelMatcher } from '../spec/labelMatchers';

/**
 * Whether a series' labels satisfy label matchers, as Prometheus decides it:
 * an absent label is the empty string, regexes are anchored. JavaScript's
 * RegExp stands in for RE2 here; the selector was already validated when the
 * spec was parsed, and the two agree on the syntax that validation accepts.
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
        return anchored(m.value).test(value);
      case '!~':
        return !anchored(m.value).test(value);
      default:
        return false;
    }
  });
}

const compiled = new Map<string, RegExp>();

function anchored(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    try {
      re = new RegExp(`^(?:${pattern})$`, 's');
    } catch {
      // RE2 syntax JavaScript lacks: matching nothing under-reports
      // presence rather than claiming series that are not there.
      re = /(?!)/;
    }
    compiled.set(pattern, re);
  }
  return re;
}
