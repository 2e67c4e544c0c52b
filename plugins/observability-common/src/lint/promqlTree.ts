/**
 * Thin helpers over the lezer PromQL tree. Node names come from the grammar
 * in `@prometheus-io/lezer-promql` (FunctionCall, AggregateExpr, BinaryExpr,
 * MatrixSelector, VectorSelector, …); everything here reads the tree, none of
 * it re-parses text with regular expressions.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/** Node types that are expressions (as opposed to operators, modifiers, names). */
const EXPRESSION_NODES = new Set([
  'AggregateExpr',
  'AnchoredExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'SmoothedExpr',
  'StepInvariantExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
]);

/** Binary operator node names, as children of BinaryExpr. */
const BINARY_OPERATORS = new Set([
  'Pow',
  'Mul',
  'Div',
  'Mod',
  'Add',
  'Sub',
  'Eql',
  'Gte',
  'Gtr',
  'Lte',
  'Lss',
  'Neq',
  'And',
  'Or',
  'Unless',
  'Atan2',
  'TrimUpper',
  'TrimLower',
]);

/** Wrappers that keep the type and the meaning of the expression they wrap. */
const TRANSPARENT_WRAPPERS = new Set([
  'ParenExpr',
  'OffsetExpr',
  'StepInvariantExpr',
  'AnchoredExpr',
  'SmoothedExpr',
]);

/** A parsed expression: the tree plus the text its offsets refer to. */
export interface ParsedPromql {
  expr: string;
  tree: Tree;
  /** The single expression under the PromQL root, when there is one. */
  root: SyntaxNode | null;
}

export function parsePromql(expr: string): ParsedPromql {
  const tree = parser.parse(expr);
  return { expr, tree, root: expressionChildren(tree.topNode)[0] ?? null };
}

export function textOf(parsed: ParsedPromql, node: SyntaxNode): string {
  return parsed.expr.slice(node.from, node.to);
}

export function isExpression(node: SyntaxNode): boolean {
  return EXPRESSION_NODES.has(node.type.name);
}

/** Direct children of `node` that are expressions (arguments, operands, bodies). */
export function expressionChildren(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (isExpression(child)) out.push(child);
  }
  return out;
}

/** Strips parentheses, `offset`, `@`, `anchored` and `smoothed`. */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (TRANSPARENT_WRAPPERS.has(current.type.name)) {
    const inner = expressionChildren(current)[0];
    if (!inner) return current;
    current = inner;
  }
  return current;
}

export function isTransparentWrapper(node: SyntaxNode): boolean {
  return TRANSPARENT_WRAPPERS.has(node.type.name);
}

/** Every node of each parsed expression, in document order, built on first use. */
const allNodes = new WeakMap<ParsedPromql, SyntaxNode[]>();

function collect(node: SyntaxNode, out: SyntaxNode[]): SyntaxNode[] {
  out.push(node);
  for (let child = node.firstChild; child; child = child.nextSibling)
    collect(child, out);
  return out;
}

/** All nodes (below and including `within`, default the root) whose type is in `names`, in document order. */
export function findAll(
  parsed: ParsedPromql,
  names: ReadonlySet<string>,
  within?: SyntaxNode,
): SyntaxNode[] {
  // The checks each ask for a few node types; walking the tree once per
  // expression instead of once per question keeps 10 000 rules fast.
  let nodes = within ? undefined : allNodes.get(parsed);
  if (!nodes) {
    nodes = collect(within ?? parsed.tree.topNode, []);
    if (!within) allNodes.set(parsed, nodes);
  }
  return nodes.filter(node => names.has(node.type.name));
}

/** The first lezer error node, if the expression does not parse. */
export function firstErrorNode(parsed: ParsedPromql): SyntaxNode | null {
  let found: SyntaxNode | null = null;
  parsed.tree.iterate({
    enter: ref => {
      if (found) return false;
      if (ref.type.isError) {
        found = ref.node;
        return false;
      }
      return undefined;
    },
  });
  return found;
}

/** Lower-case function name of a FunctionCall node. */
export function functionName(parsed: ParsedPromql, call: SyntaxNode): string {
  const id = call.getChild('FunctionIdentifier');
  return id ? textOf(parsed, id).toLowerCase() : '';
}

/** Arguments of a FunctionCall or AggregateExpr (the expressions in its parentheses). */
export function callArguments(node: SyntaxNode): SyntaxNode[] {
  const body = node.getChild('FunctionCallBody');
  return body ? expressionChildren(body) : [];
}

/** Lower-case operator of an AggregateExpr (`sum`, `topk`, …). */
export function aggregateOperator(
  parsed: ParsedPromql,
  agg: SyntaxNode,
): string {
  const op = agg.getChild('AggregateOp');
  return op ? textOf(parsed, op).toLowerCase() : '';
}

/**
 * The grouping of an AggregateExpr: `by` or `without` and its labels, or
 * `none` when there is no modifier (every label is dropped).
 */
export function aggregateGrouping(
  parsed: ParsedPromql,
  agg: SyntaxNode,
): {
  kind: 'by' | 'without' | 'none';
  labels: Array<{ name: string; node: SyntaxNode }>;
} {
  const modifier = agg.getChild('AggregateModifier');
  if (!modifier) return { kind: 'none', labels: [] };
  const kind = modifier.getChild('Without') ? 'without' : 'by';
  const grouping = modifier.getChild('GroupingLabels');
  const labels: Array<{ name: string; node: SyntaxNode }> = [];
  for (let child = grouping?.firstChild; child; child = child.nextSibling) {
    if (child.type.name === 'LabelName') {
      labels.push({ name: textOf(parsed, child), node: child });
    } else if (child.type.name === 'QuotedLabelName') {
      labels.push({ name: unquote(textOf(parsed, child)), node: child });
    }
  }
  return { kind, labels };
}

/** The operator node name of a BinaryExpr (`Div`, `Gtr`, `And`, …). */
export function binaryOperator(binary: SyntaxNode): SyntaxNode | null {
  for (let child = binary.firstChild; child; child = child.nextSibling) {
    if (BINARY_OPERATORS.has(child.type.name)) return child;
  }
  return null;
}

export function hasBoolModifier(binary: SyntaxNode): boolean {
  return binary.getChild('BoolModifier') !== null;
}

/**
 * The metric name a VectorSelector selects: its identifier, a quoted name
 * (`{"name"}`) or an exact `__name__="…"` matcher. Undefined for regex
 * matchers, where the name is not known statically.
 */
export function metricName(
  parsed: ParsedPromql,
  selector: SyntaxNode,
): string | undefined {
  const identifier = selector.getChild('Identifier');
  if (identifier) return textOf(parsed, identifier);
  const matchers = selector.getChild('LabelMatchers');
  for (let child = matchers?.firstChild; child; child = child.nextSibling) {
    if (child.type.name === 'QuotedLabelName')
      return unquote(textOf(parsed, child));
    if (child.type.name === 'UnquotedLabelMatcher') {
      const label = child.getChild('LabelName');
      const op = child.getChild('MatchOp');
      const value = child.getChild('StringLiteral');
      if (
        label &&
        value &&
        textOf(parsed, label) === '__name__' &&
        op?.firstChild?.type.name === 'EqlSingle'
      ) {
        return unquote(textOf(parsed, value));
      }
    }
  }
  return undefined;
}

/** The number a NumberDurationLiteral stands for, when it is a plain number. */
export function numberValue(
  parsed: ParsedPromql,
  node: SyntaxNode,
): number | undefined {
  const target = unwrap(node);
  if (target.type.name === 'UnaryExpr') {
    const inner = expressionChildren(target)[0];
    const value = inner ? numberValue(parsed, inner) : undefined;
    const negative = textOf(parsed, target).trimStart().startsWith('-');
    if (value === undefined) return undefined;
    return negative ? -value : value;
  }
  if (target.type.name !== 'NumberDurationLiteral') return undefined;
  const value = Number(textOf(parsed, target));
  return Number.isFinite(value) ? value : undefined;
}

function unquote(text: string): string {
  const quote = text[0];
  if (
    (quote === '"' || quote === "'" || quote === '`') &&
    text.endsWith(quote)
  ) {
    return text.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return text;
}
