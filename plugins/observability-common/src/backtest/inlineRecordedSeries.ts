/**
 * Generated alerts read recorded series (`service:http_requests_errors:
 * ratio_rate5m`) that do not exist before the rules are applied, so a
 * backtest evaluates each alert with its recording rules written into the
 * expression, with the labels the rule would have attached.
 */
import type { SyntaxNode } from '@lezer/common';
import {
  findAll,
  metricName,
  parsePromql,
  textOf,
  type ParsedPromql,
} from '../lint/promqlTree';
import { parseLabelMatchers, promqlString } from '../spec/labelMatchers';
import type { RecordingRule } from '../generate/types';

/** Nesting of recorded series on recorded series that is followed. */
const MAX_DEPTH = 5;
/** Resolution of a subquery standing in for a range over a recorded series: the default evaluation interval. */
const SUBQUERY_RESOLUTION = '1m';

/** An expression ready to run on raw metrics. @public */
export interface InlinedExpression {
  promql: string;
  /** Recorded series that could not be inlined and are read as deployed. */
  unresolved: string[];
}

/** The recording rule a selector reads, when its matchers single one out. */
function ruleFor(
  parsed: ParsedPromql,
  selector: SyntaxNode,
  rules: readonly RecordingRule[],
): RecordingRule | undefined {
  const name = metricName(parsed, selector);
  if (!name) return undefined;
  const matchersNode = selector.getChild('LabelMatchers');
  const inner = matchersNode ? textOf(parsed, matchersNode).slice(1, -1) : '';
  const parsedMatchers = inner.trim() ? parseLabelMatchers(inner) : undefined;
  if (parsedMatchers && !parsedMatchers.ok) return undefined;
  const matchers = (parsedMatchers?.matchers ?? []).filter(
    m => m.name !== '__name__',
  );
  // Only equality on labels the rule itself sets: anything else would need
  // the recorded series' own labels, which only exist once deployed.
  return rules.find(
    rule =>
      rule.record === name &&
      matchers.every(m => m.op === '=' && rule.labels?.[m.name] === m.value),
  );
}

function withRuleLabels(rule: RecordingRule, promql: string): string {
  return Object.entries(rule.labels ?? {}).reduce(
    (inner, [label, value]) =>
      `label_replace(${inner}, ${promqlString(label)}, ${promqlString(
        value,
      )}, "", "")`,
    `(${promql})`,
  );
}

/**
 * `expr` with every recorded series of `rules` it reads replaced by the
 * rule's expression (recursively); a range over a recorded series becomes
 * a subquery at the default evaluation interval.
 * @public
 */
export function inlineRecordedSeries(
  expr: string,
  rules: readonly RecordingRule[],
  depth = 0,
): InlinedExpression {
  const parsed = parsePromql(expr);
  const replacements: Array<{ from: number; to: number; text: string }> = [];
  const unresolved = new Set<string>();
  for (const selector of findAll(parsed, new Set(['VectorSelector']))) {
    const name = metricName(parsed, selector) ?? '';
    if (!name.includes(':')) continue;
    const rule =
      depth < MAX_DEPTH ? ruleFor(parsed, selector, rules) : undefined;
    if (!rule) {
      unresolved.add(name);
      continue;
    }
    const body = inlineRecordedSeries(rule.expr, rules, depth + 1);
    body.unresolved.forEach(u => unresolved.add(u));
    const replacement = withRuleLabels(rule, body.promql);
    const parent = selector.parent;
    if (parent?.type.name === 'MatrixSelector') {
      const range = textOf(parsed, parent).slice(selector.to - parent.from);
      const duration = range.trim().replace(/^\[|\]$/g, '');
      replacements.push({
        from: parent.from,
        to: parent.to,
        text: `${replacement}[${duration}:${SUBQUERY_RESOLUTION}]`,
      });
    } else {
      replacements.push({
        from: selector.from,
        to: selector.to,
        text: replacement,
      });
    }
  }
  let promql = expr;
  for (const r of replacements.sort((a, b) => b.from - a.from))
    promql = promql.slice(0, r.from) + r.text + promql.slice(r.to);
  return { promql, unresolved: [...unresolved] };
}

/**
 * Selectors whose series must exist for the expression to mean anything.
 * One inside an `or` has a fallback, so it is optional; when every
 * selector is optional, at least one of them must exist.
 * @public
 */
export function selectorsOf(promql: string): {
  required: string[];
  optional: string[];
} {
  const parsed = parsePromql(promql);
  const required = new Set<string>();
  const optional = new Set<string>();
  for (const selector of findAll(parsed, new Set(['VectorSelector']))) {
    (underOr(selector) ? optional : required).add(textOf(parsed, selector));
  }
  return {
    required: [...required],
    optional: [...optional].filter(s => !required.has(s)),
  };
}

function underOr(node: SyntaxNode): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type.name !== 'BinaryExpr') continue;
    for (let c = n.firstChild; c; c = c.nextSibling)
      if (c.type.name === 'Or') return true;
  }
  return false;
}
