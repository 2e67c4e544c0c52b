/**
 * Syntax and type errors in a PromQL expression: what `promtool check rules`
 * would reject. The lezer grammar finds syntax errors; on top of it we check
 * the one type rule people break most often — range vectors (`x[5m]`) where
 * an instant vector is needed, and the reverse — because lezer accepts
 * `rate(x)` and Prometheus does not.
 */
import type { SyntaxNode } from '@lezer/common';
import {
  ParsedPromql,
  callArguments,
  expressionChildren,
  findAll,
  firstErrorNode,
  functionName,
  textOf,
  unwrap,
} from './promqlTree';

/** A problem at an offset inside the expression text. */
export interface PromqlSyntaxError {
  offset: number;
  message: string;
}

type ValueType = 'matrix' | 'vector' | 'scalar' | 'string' | 'unknown';

/** Functions taking a range vector, and the index of that argument. */
const RANGE_ARGUMENT: Record<string, number> = {
  rate: 0,
  irate: 0,
  increase: 0,
  delta: 0,
  idelta: 0,
  deriv: 0,
  changes: 0,
  resets: 0,
  predict_linear: 0,
  holt_winters: 0,
  double_exponential_smoothing: 0,
  avg_over_time: 0,
  min_over_time: 0,
  max_over_time: 0,
  sum_over_time: 0,
  count_over_time: 0,
  stddev_over_time: 0,
  stdvar_over_time: 0,
  last_over_time: 0,
  first_over_time: 0,
  present_over_time: 0,
  absent_over_time: 0,
  mad_over_time: 0,
  ts_of_min_over_time: 0,
  ts_of_max_over_time: 0,
  ts_of_first_over_time: 0,
  ts_of_last_over_time: 0,
  quantile_over_time: 1,
};

const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi']);

const TYPED_NODES = new Set([
  'FunctionCall',
  'AggregateExpr',
  'BinaryExpr',
  'UnaryExpr',
  'SubqueryExpr',
  'MatrixSelector',
]);

export function findSyntaxError(
  parsed: ParsedPromql,
): PromqlSyntaxError | undefined {
  if (parsed.expr.trim() === '') {
    return { offset: 0, message: 'the expression is empty' };
  }
  const errorNode = firstErrorNode(parsed);
  if (errorNode) return describeParseError(parsed, errorNode);
  if (!parsed.root) return { offset: 0, message: 'no expression found' };
  return findTypeError(parsed, parsed.root);
}

function describeParseError(
  parsed: ParsedPromql,
  node: SyntaxNode,
): PromqlSyntaxError {
  const { expr } = parsed;
  const unknownFunction = unknownFunctionBefore(parsed, node);
  if (unknownFunction) {
    return {
      offset: unknownFunction.from,
      message: `unknown function "${textOf(parsed, unknownFunction)}"`,
    };
  }
  const rest = expr.slice(node.from).trimStart();
  if (node.from === node.to) {
    if (rest === '') {
      // Point after the last character, not after a block scalar's trailing newline.
      return {
        offset: expr.trimEnd().length,
        message: 'unexpected end of expression',
      };
    }
    return { offset: node.from, message: `unexpected "${snippet(rest)}"` };
  }
  return {
    offset: node.from,
    message: `unexpected "${snippet(textOf(parsed, node))}"`,
  };
}

/** `foo(x)` parses as selector `foo` followed by an error at `(`. */
function unknownFunctionBefore(
  parsed: ParsedPromql,
  node: SyntaxNode,
): SyntaxNode | null {
  if (parsed.expr[node.from] !== '(') return null;
  const selector = node.parent;
  if (selector?.type.name !== 'VectorSelector') return null;
  const identifier = selector.getChild('Identifier');
  if (!identifier || selector.getChild('LabelMatchers')) return null;
  return parsed.expr.slice(identifier.to, node.from).trim() === ''
    ? identifier
    : null;
}

function snippet(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 20 ? `${line.slice(0, 20)}…` : line;
}

function findTypeError(
  parsed: ParsedPromql,
  root: SyntaxNode,
): PromqlSyntaxError | undefined {
  const rootType = typeOf(parsed, root);
  if (rootType === 'matrix' || rootType === 'string') {
    return {
      offset: root.from,
      message: `a rule expression must return an instant vector or a scalar, not a ${
        rootType === 'matrix' ? 'range vector' : 'string'
      }`,
    };
  }
  for (const node of findAll(parsed, TYPED_NODES)) {
    const error = checkOperands(parsed, node);
    if (error) return error;
  }
  return undefined;
}

function checkOperands(
  parsed: ParsedPromql,
  node: SyntaxNode,
): PromqlSyntaxError | undefined {
  switch (node.type.name) {
    case 'FunctionCall': {
      const name = functionName(parsed, node);
      const args = callArguments(node);
      const rangeIndex = RANGE_ARGUMENT[name];
      if (rangeIndex !== undefined) {
        const arg = args[rangeIndex];
        const type = arg ? typeOf(parsed, arg) : 'unknown';
        if (!arg || (type !== 'matrix' && type !== 'unknown')) {
          return {
            offset: arg?.from ?? node.from,
            message: `${name}() expects a range vector such as http_requests_total[5m]`,
          };
        }
      }
      return args
        .filter((_, index) => index !== rangeIndex)
        .map(arg => rangeVectorMisuse(parsed, arg, `${name}()`))
        .find(Boolean);
    }
    case 'AggregateExpr': {
      const args = callArguments(node);
      const body = args[args.length - 1];
      return body
        ? rangeVectorMisuse(parsed, body, 'an aggregation')
        : undefined;
    }
    case 'BinaryExpr':
    case 'UnaryExpr':
      return expressionChildren(node)
        .map(operand => rangeVectorMisuse(parsed, operand, 'an operator'))
        .find(Boolean);
    case 'SubqueryExpr': {
      const inner = expressionChildren(node)[0];
      return inner ? rangeVectorMisuse(parsed, inner, 'a subquery') : undefined;
    }
    case 'MatrixSelector': {
      const inner = expressionChildren(node)[0];
      if (inner && unwrap(inner).type.name !== 'VectorSelector') {
        return {
          offset: node.from,
          message:
            'a range [..] can only follow a metric selector; use a subquery such as [5m:1m]',
        };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function rangeVectorMisuse(
  parsed: ParsedPromql,
  operand: SyntaxNode,
  where: string,
): PromqlSyntaxError | undefined {
  if (typeOf(parsed, operand) !== 'matrix') return undefined;
  return {
    offset: operand.from,
    message: `${where} expects an instant vector, not the range vector "${snippet(
      textOf(parsed, operand),
    )}"; wrap it in rate(), increase() or a *_over_time() function`,
  };
}

function typeOf(parsed: ParsedPromql, node: SyntaxNode): ValueType {
  const target = unwrap(node);
  switch (target.type.name) {
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'VectorSelector':
    case 'AggregateExpr':
      return 'vector';
    case 'NumberDurationLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'UnaryExpr': {
      const operand = expressionChildren(target)[0];
      return operand ? typeOf(parsed, operand) : 'unknown';
    }
    case 'BinaryExpr': {
      const types = expressionChildren(target).map(child =>
        typeOf(parsed, child),
      );
      return types.every(type => type === 'scalar') ? 'scalar' : 'vector';
    }
    case 'FunctionCall':
      return SCALAR_FUNCTIONS.has(functionName(parsed, target))
        ? 'scalar'
        : 'vector';
    default:
      return 'unknown';
  }
}
