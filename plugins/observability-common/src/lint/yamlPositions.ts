/**
 * Positions in a YAML rule file. Lines and columns are 1-based like editors
 * and compilers print them, so `file:line:col` is clickable in a terminal.
 */
import { LineCounter, Scalar } from 'yaml';

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

export function positionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Maps an offset in a scalar's *value* to an offset in the file. Multi-line
 * expressions (`expr: |`, folded or plain scalars spread over lines) differ
 * from the source by indentation and line folding only, so walking both
 * texts side by side and skipping source characters until the next value
 * character matches recovers the position. Escapes in quoted strings may put
 * a character a little off; never worse than the start of the scalar.
 */
export function scalarOffsetMapper(
  source: string,
  node: Scalar,
): (valueOffset: number) => number {
  const value = String(node.value ?? '');
  const [start, end] = node.range ?? [0, 0];
  let table: number[] | undefined;
  return valueOffset => {
    table ??= buildTable(source, value, contentStart(source, node, start), end);
    return table[Math.max(0, Math.min(valueOffset, value.length))];
  };
}

/** Where the scalar's characters begin: after a quote, or after a block header line. */
function contentStart(source: string, node: Scalar, start: number): number {
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE)
    return start + 1;
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    const newline = source.indexOf('\n', start);
    return newline === -1 ? start : newline + 1;
  }
  return start;
}

function buildTable(
  source: string,
  value: string,
  from: number,
  end: number,
): number[] {
  const table = new Array<number>(value.length + 1);
  let cursor = from;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (/\s/.test(char)) {
      table[i] = cursor;
      if (cursor < end && /\s/.test(source[cursor])) cursor++;
      continue;
    }
    let probe = cursor;
    while (probe < end && source[probe] !== char) probe++;
    if (probe < end) {
      table[i] = probe;
      cursor = probe + 1;
    } else {
      table[i] = cursor;
    }
  }
  table[value.length] = Math.min(cursor, end);
  return table;
}
