/**
 * Semantic checks on a PromQL expression that parses: counters read raw,
 * rate() on gauges, histogram_quantile() losing `le`, unbounded labels kept in
 * aggregations, and ratios that can divide by zero.
 */
import type { SyntaxNode } from '@lezer/common';
import type { LintRuleId } from './catalogue';
import {
  counterStem,
  isBucketSeries,
  isCounterLike,
  isHighCardinalityLabel,
  looksLikeGauge,
} from './metricKinds';
import {
  ParsedPromql,
  aggregateGrouping,
  aggregateOperator,
  binaryOperator,
  callArguments,
  expressionChildren,
  findAll,
  functionName,
  hasBoolModifier,
  metricName,
  numberValue,
  textOf,
  unwrap,
} from './promqlTree';

/** A finding inside one expression, positioned by offset. */
export interface ExpressionIssue {
  ruleId: LintRuleId;
  offset: number;
  message: string;
  fix: string;
}

const VECTOR_SELECTOR = new Set(['VectorSelector']);
const FUNCTION_CALL = new Set(['FunctionCall']);
const AGGREGATE_EXPR = new Set(['AggregateExpr']);
const BINARY_EXPR = new Set(['BinaryExpr']);

/** Runs every expression check; the expression must already be free of syntax errors. */
export function checkExpression(parsed: ParsedPromql): ExpressionIssue[] {
  return [
    ...countersWithoutRate(parsed),
    ...ratesOnGauges(parsed),
    ...histogramQuantilesDroppingLe(parsed),
    ...highCardinalityGroupings(parsed),
    ...divisionsByZero(parsed),
  ];
}

/** Functions that look at which series exist, not at their values. */
const VALUE_BLIND_FUNCTIONS = new Set(['absent', 'timestamp']);
/** Aggregations that count series rather than combine values. */
const VALUE_BLIND_AGGREGATIONS = new Set(['count', 'group']);

function countersWithoutRate(parsed: ParsedPromql): ExpressionIssue[] {
  const issues: ExpressionIssue[] = [];
  for (const selector of findAll(parsed, VECTOR_SELECTOR)) {
    const name = metricName(parsed, selector);
    if (!name || !isCounterLike(name) || rawValueIsHarmless(parsed, selector))
      continue;
    if (isCapacityOfSiblingGauge(parsed, selector, name)) continue;
    issues.push({
      ruleId: 'promql/counter-without-rate',
      offset: selector.from,
      message: `counter "${name}" is used without rate() or increase(); its raw value only grows and drops to 0 when the process restarts`,
      fix: `use rate(${textOf(
        parsed,
        selector,
      )}[5m]) (per second) or increase(${textOf(
        parsed,
        selector,
      )}[1h]) (per window); if the exporter names a gauge this way (some count things with _count or _total), rename it or ignore this finding`,
    });
  }
  return issues;
}

/** True when the selector's values never reach the result: ranges, absent(), count(), the right side of and/unless. */
function rawValueIsHarmless(
  parsed: ParsedPromql,
  selector: SyntaxNode,
): boolean {
  let child = selector;
  for (let node = selector.parent; node; child = node, node = node.parent) {
    switch (node.type.name) {
      case 'MatrixSelector':
      case 'SubqueryExpr':
        return true;
      case 'FunctionCall':
        if (VALUE_BLIND_FUNCTIONS.has(functionName(parsed, node))) return true;
        break;
      case 'AggregateExpr':
        if (VALUE_BLIND_AGGREGATIONS.has(aggregateOperator(parsed, node)))
          return true;
        break;
      case 'BinaryExpr': {
        const op = binaryOperator(node)?.type.name;
        const rhs = expressionChildren(node)[1];
        if ((op === 'And' || op === 'Unless') && rhs && rhs.from === child.from)
          return true;
        break;
      }
      default:
        break;
    }
  }
  return false;
}

/**
 * `container_fs_inodes_free / container_fs_inodes_total`: exporters name a
 * capacity `_total` next to a gauge of the same family. When the other side
 * of the arithmetic is a non-counter sibling, the `_total` is a gauge too.
 */
function isCapacityOfSiblingGauge(
  parsed: ParsedPromql,
  selector: SyntaxNode,
  name: string,
): boolean {
  const stem = counterStem(name);
  let child = selector;
  for (let node = selector.parent; node; child = node, node = node.parent) {
    if (node.type.name !== 'BinaryExpr') continue;
    const op = binaryOperator(node)?.type.name;
    if (op !== 'Div' && op !== 'Sub' && op !== 'Mul') continue;
    const from = child.from;
    const other = expressionChildren(node).find(side => side.from !== from);
    if (!other) return false;
    return findAll(parsed, VECTOR_SELECTOR, other).some(sibling => {
      const siblingName = metricName(parsed, sibling);
      return (
        siblingName !== undefined &&
        siblingName !== name &&
        siblingName.startsWith(stem) &&
        !isCounterLike(siblingName)
      );
    });
  }
  return false;
}

const COUNTER_FUNCTIONS = new Set(['rate', 'irate', 'increase']);

function ratesOnGauges(parsed: ParsedPromql): ExpressionIssue[] {
  const issues: ExpressionIssue[] = [];
  for (const call of findAll(parsed, FUNCTION_CALL)) {
    const fn = functionName(parsed, call);
    if (!COUNTER_FUNCTIONS.has(fn)) continue;
    const arg = callArguments(call)[0];
    const selector = arg ? rangedSelector(arg) : undefined;
    const name = selector ? metricName(parsed, selector) : undefined;
    if (!name || !looksLikeGauge(name)) continue;
    issues.push({
      ruleId: 'promql/rate-on-gauge',
      offset: call.from,
      message: `${fn}() is applied to "${name}", which by its name is a gauge; ${fn}() reads every decrease as a counter reset`,
      fix: `use the gauge directly, or deriv(${name}[5m]) for its per-second trend and delta(${name}[1h]) for its change; if it really is a counter, rename it to end in _total`,
    });
  }
  return issues;
}

/** The selector under `x[5m]` or `x[5m:1m]`, through offsets and parentheses. */
function rangedSelector(arg: SyntaxNode): SyntaxNode | undefined {
  const range = unwrap(arg);
  if (
    range.type.name !== 'MatrixSelector' &&
    range.type.name !== 'SubqueryExpr'
  )
    return undefined;
  const inner = expressionChildren(range)[0];
  const selector = inner ? unwrap(inner) : undefined;
  return selector?.type.name === 'VectorSelector' ? selector : undefined;
}

/** Aggregations that keep every label of the series they return. */
const LABEL_KEEPING_AGGREGATIONS = new Set([
  'topk',
  'bottomk',
  'limitk',
  'limit_ratio',
]);

function histogramQuantilesDroppingLe(parsed: ParsedPromql): ExpressionIssue[] {
  const issues: ExpressionIssue[] = [];
  for (const call of findAll(parsed, FUNCTION_CALL)) {
    if (functionName(parsed, call) !== 'histogram_quantile') continue;
    const buckets = callArguments(call)[1];
    if (!buckets) continue;
    const culprit = findAll(parsed, AGGREGATE_EXPR, buckets).find(agg => {
      if (LABEL_KEEPING_AGGREGATIONS.has(aggregateOperator(parsed, agg)))
        return false;
      const classicBuckets = findAll(parsed, VECTOR_SELECTOR, agg).some(
        selector => {
          const name = metricName(parsed, selector);
          return name !== undefined && isBucketSeries(name);
        },
      );
      return classicBuckets && dropsLe(parsed, agg);
    });
    if (!culprit) continue;
    const grouping = aggregateGrouping(parsed, culprit);
    const op = aggregateOperator(parsed, culprit);
    const kept =
      grouping.kind === 'by' ? grouping.labels.map(label => label.name) : [];
    const groupingText = {
      without: 'without (le)',
      by: `by (${kept.join(', ')})`,
      none: 'with no by (...)',
    }[grouping.kind];
    issues.push({
      ruleId: 'promql/histogram-quantile-drops-le',
      offset: culprit.from,
      message: `histogram_quantile() gets "${op}" ${groupingText}, which drops the le bucket label, so the quantile is always empty`,
      fix: `keep le in the aggregation: ${op} by (${[
        'le',
        ...kept.filter(label => label !== 'le'),
      ].join(', ')}) (...)`,
    });
  }
  return issues;
}

function dropsLe(parsed: ParsedPromql, agg: SyntaxNode): boolean {
  const grouping = aggregateGrouping(parsed, agg);
  const listsLe = grouping.labels.some(label => label.name === 'le');
  if (grouping.kind === 'by') return !listsLe;
  if (grouping.kind === 'without') return listsLe;
  return true;
}

function highCardinalityGroupings(parsed: ParsedPromql): ExpressionIssue[] {
  const issues: ExpressionIssue[] = [];
  for (const agg of findAll(parsed, AGGREGATE_EXPR)) {
    const grouping = aggregateGrouping(parsed, agg);
    if (grouping.kind !== 'by') continue;
    for (const label of grouping.labels) {
      if (!isHighCardinalityLabel(label.name)) continue;
      issues.push({
        ruleId: 'promql/high-cardinality-label',
        offset: label.node.from,
        message: `"${label.name}" is kept in by (...): it has one value per user, request or path, so this rule creates an unbounded number of series`,
        fix: `drop "${label.name}" from by (...); group by a bounded label such as service, route or status, and find individual ${label.name} values in logs or traces`,
      });
    }
  }
  return issues;
}

type Zeroness = 'can-be-zero' | 'non-zero' | 'unknown';

const COMPARISONS = new Set(['Gtr', 'Gte', 'Lss', 'Lte', 'Eql', 'Neq']);

function divisionsByZero(parsed: ParsedPromql): ExpressionIssue[] {
  const issues: ExpressionIssue[] = [];
  for (const binary of findAll(parsed, BINARY_EXPR)) {
    const op = binaryOperator(binary);
    if (op?.type.name !== 'Div') continue;
    const denominator = expressionChildren(binary)[1];
    if (!denominator || zeroness(parsed, denominator) !== 'can-be-zero')
      continue;
    if (isGuardedByAnd(parsed, binary)) continue;
    const text = textOf(parsed, unwrap(denominator)).replace(/\s+/g, ' ');
    issues.push({
      ruleId: 'promql/division-by-zero',
      offset: op.from,
      message: `the denominator "${text}" is 0 when there is no traffic; the ratio is then NaN and comparisons on it are never true`,
      fix: `guard it, e.g. "/ (${text} > 0)", and keep a traffic-drop alert for the silent case`,
    });
  }
  return issues;
}

/** Whether an expression can evaluate to 0 (requests per second can; count() cannot). */
function zeroness(parsed: ParsedPromql, node: SyntaxNode): Zeroness {
  const target = unwrap(node);
  switch (target.type.name) {
    case 'NumberDurationLiteral': {
      const value = numberValue(parsed, target);
      if (value === undefined) return 'unknown';
      return value === 0 ? 'can-be-zero' : 'non-zero';
    }
    // A raw series says nothing certain: counters used raw are their own
    // finding, and exporters name capacity gauges `_total` too.
    case 'VectorSelector':
      return 'unknown';
    case 'FunctionCall':
      return functionZeroness(parsed, target);
    case 'AggregateExpr': {
      const op = aggregateOperator(parsed, target);
      if (op === 'count' || op === 'group') return 'non-zero';
      if (['sum', 'avg', 'min', 'max'].includes(op)) {
        const args = callArguments(target);
        const body = args[args.length - 1];
        return body ? zeroness(parsed, body) : 'unknown';
      }
      return 'unknown';
    }
    case 'BinaryExpr':
      return binaryZeroness(parsed, target);
    default:
      return 'unknown';
  }
}

/** Per-second and per-window changes of a counter are 0 whenever nothing happens. */
const ZERO_WHEN_IDLE = new Set([
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'sum_over_time',
  'count_over_time',
]);

function functionZeroness(parsed: ParsedPromql, call: SyntaxNode): Zeroness {
  const fn = functionName(parsed, call);
  const args = callArguments(call);
  if (ZERO_WHEN_IDLE.has(fn)) return 'can-be-zero';
  if (fn === 'time' || fn === 'pi') return 'non-zero';
  if (fn === 'clamp_min' || fn === 'clamp') {
    const min = args[1] ? numberValue(parsed, args[1]) : undefined;
    if (min !== undefined && min > 0) return 'non-zero';
    return args[0] ? zeroness(parsed, args[0]) : 'unknown';
  }
  if (
    [
      'vector',
      'scalar',
      'abs',
      'clamp_max',
      'sort',
      'sort_desc',
      'label_replace',
      'label_join',
    ].includes(fn)
  ) {
    return args[0] ? zeroness(parsed, args[0]) : 'unknown';
  }
  return 'unknown';
}

function binaryZeroness(parsed: ParsedPromql, binary: SyntaxNode): Zeroness {
  const op = binaryOperator(binary)?.type.name;
  const [lhs, rhs] = expressionChildren(binary);
  if (!lhs || !rhs || !op) return 'unknown';
  // A comparison without `bool` filters: `x > 0` keeps only the non-zero samples.
  if (COMPARISONS.has(op)) {
    // With `bool` a comparison yields 0 or 1 rather than filtering.
    if (hasBoolModifier(binary)) return 'can-be-zero';
    if (isNonZeroFilter(op, numberValue(parsed, rhs))) return 'non-zero';
  }
  const left = zeroness(parsed, lhs);
  const right = zeroness(parsed, rhs);
  if (op === 'Mul') {
    if (left === 'can-be-zero' || right === 'can-be-zero') return 'can-be-zero';
    return left === 'non-zero' && right === 'non-zero' ? 'non-zero' : 'unknown';
  }
  // a / b is 0 exactly when a is; a + b surely can be 0 only when both can.
  if (op === 'Div') return left;
  if (op === 'Add')
    return left === 'can-be-zero' && right === 'can-be-zero'
      ? 'can-be-zero'
      : 'unknown';
  if (op === 'Or')
    return left === 'non-zero' && right === 'non-zero' ? 'non-zero' : 'unknown';
  if (op === 'And' || op === 'Unless') return left;
  return 'unknown';
}

function isNonZeroFilter(op: string, threshold: number | undefined): boolean {
  if (threshold === undefined) return false;
  switch (op) {
    case 'Gtr':
      return threshold >= 0;
    case 'Gte':
      return threshold > 0;
    case 'Lss':
      return threshold <= 0;
    case 'Lte':
      return threshold < 0;
    case 'Neq':
      return threshold === 0;
    default:
      return false;
  }
}

/** `(a / b) and (b > 0)`: the ratio is only kept where the right side filters. */
function isGuardedByAnd(parsed: ParsedPromql, ratio: SyntaxNode): boolean {
  let child = ratio;
  for (let node = ratio.parent; node; child = node, node = node.parent) {
    if (node.type.name === 'ParenExpr') continue;
    if (node.type.name !== 'BinaryExpr') return false;
    const op = binaryOperator(node)?.type.name;
    const [lhs, rhs] = expressionChildren(node);
    if (op === 'And' && lhs?.from === child.from && rhs) {
      const guard = unwrap(rhs);
      return (
        guard.type.name === 'BinaryExpr' &&
        zeroness(parsed, guard) === 'non-zero'
      );
    }
    // A comparison on the ratio (`a / b > 0.01`) does not guard; keep looking upwards.
    if (!op || !COMPARISONS.has(op)) {
      return false;
    }
  }
  return false;
}

const AND_NODES = new Set(['BinaryExpr']);
/** A window in a recorded name: `…:ratio_rate5m`, `…_rate1h`, `…:p99_5m`. */
const RECORDED_WINDOW = /(?:rate|_)(\d+(?:ms|[smhdwy]))$/;

/**
 * A multi-window burn-rate alert (the SRE workbook's pattern): `long window >
 * x and short window > x`. The short window already proves the condition
 * persists, so such alerts rightly have no `for`.
 */
export function isMultiWindowCondition(parsed: ParsedPromql): boolean {
  return findAll(parsed, AND_NODES).some(binary => {
    if (binaryOperator(binary)?.type.name !== 'And') return false;
    const [lhs, rhs] = expressionChildren(binary);
    if (!lhs || !rhs) return false;
    const left = windowsOf(parsed, lhs);
    const right = windowsOf(parsed, rhs);
    return (
      left.size > 0 &&
      right.size > 0 &&
      [...left].some(window => !right.has(window))
    );
  });
}

function windowsOf(parsed: ParsedPromql, node: SyntaxNode): Set<string> {
  const windows = new Set<string>();
  for (const found of findAll(
    parsed,
    new Set(['MatrixSelector', 'VectorSelector']),
    node,
  )) {
    if (found.type.name === 'MatrixSelector') {
      const duration = found.getChild('DurationExpr');
      if (duration) windows.add(textOf(parsed, duration));
      continue;
    }
    const name = metricName(parsed, found);
    const match = name ? RECORDED_WINDOW.exec(name) : null;
    if (match) windows.add(match[1]);
  }
  return windows;
}
