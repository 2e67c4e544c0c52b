/**
 * Loki ruler files share Prometheus' rule-file format but hold LogQL. PromQL
 * never has `|` outside strings and label braces, nor `!~` outside braces,
 * while every LogQL line filter and pipeline stage does; so those two tell
 * the languages apart without a LogQL parser.
 */
const STRINGS = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
const BRACES = /\{[^{}]*\}/g;

export function looksLikeLogQL(expr: string): boolean {
  const bare = expr.replace(STRINGS, '""').replace(BRACES, '{}');
  return /\||!~/.test(bare);
}
