/**
 * Label-matcher regular expressions, judged and run as Prometheus does: with
 * RE2 (re2js ports the Go engine Prometheus is built on) and anchored as
 * `^(?s:…)$`. Validation and matching share this one engine, so a selector
 * Redline accepts selects in its fact checks what it selects in Prometheus.
 */
import { RE2JS, RE2JSSyntaxException } from 're2js';
import { BoundedMemo } from '../memo/BoundedMemo';

/** A compiled, anchored label-matcher regex, or why Prometheus refuses the pattern. @internal */
export type PromRegex = { regex: RE2JS } | { error: string };

/** Bounds the cache: selectors come from a catalog that changes while a backend runs. */
const cache = new BoundedMemo<string, PromRegex>(1000);

/**
 * Compiles `pattern` the way a Prometheus label matcher does. Cached, because
 * fact checks match the same few selectors against every series.
 * @internal
 */
export function compilePromRegex(pattern: string): PromRegex {
  return cache.get(pattern, judge);
}

/** Why Prometheus refuses `pattern` as a label-matcher regex, or undefined when it compiles. @internal */
export function promRegexError(pattern: string): string | undefined {
  const result = compilePromRegex(pattern);
  return 'error' in result ? result.error : undefined;
}

function judge(pattern: string): PromRegex {
  let regex: RE2JS;
  try {
    // Prometheus parses the bare pattern as well: anchoring alone would
    // balance "a)(b" into the valid "^(?s:a)(b)$".
    compileAsGo(pattern);
    regex = compileAsGo(`^(?s:${pattern})$`);
    if (hasAngleNamedGroup(pattern)) {
      return {
        error:
          'a (?<name>…) group needs Prometheus built with Go 1.22 or later; write (?P<name>…)',
      };
    }
  } catch (e) {
    return { error: (e as Error).message };
  }
  return { regex };
}

/**
 * Go accepts a capture name used twice, re2js (after RE2/J) does not. Names
 * never change what matches, so on that error every group gets a fresh name.
 * Renaming touches only the name, which keeps a literal `(?P<x>` inside a
 * class or `\Q…\E` exactly as valid as it was (though it then matches the
 * new name: only in patterns that also repeat a group name).
 */
function compileAsGo(pattern: string): RE2JS {
  try {
    return RE2JS.compile(pattern);
  } catch (e) {
    if (
      !(e instanceof RE2JSSyntaxException) ||
      e.error !== 'duplicate capture group name'
    ) {
      throw e;
    }
    let n = 0;
    return RE2JS.compile(
      pattern.replace(/\(\?(P?)<\w+>/g, (_, p) => `(?${p}<g${n++}>`),
    );
  }
}

/**
 * Go only learnt `(?<name>…)` in 1.22, so older Prometheus releases (the
 * promtool in CI among them) refuse it while re2js accepts it. Whether a
 * `(?<` opens a group or sits in a class or after an escape is told by
 * turning it into `(?:`: only a group opener loses a capture.
 */
function hasAngleNamedGroup(pattern: string): boolean {
  if (!pattern.includes('(?<')) return false;
  const groups = compileAsGo(pattern).groupCount();
  for (
    let i = pattern.indexOf('(?<');
    i >= 0;
    i = pattern.indexOf('(?<', i + 1)
  ) {
    const variant = `${pattern.slice(0, i)}(?:${pattern.slice(i + 3)}`;
    if (compileAsGo(variant).groupCount() < groups) return true;
  }
  return false;
}
