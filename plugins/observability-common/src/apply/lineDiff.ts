/** One line of a line diff. @public */
export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** A run of unchanged lines left out of a shown diff. @public */
export interface DiffGap {
  kind: 'gap';
  /** How many unchanged lines the gap stands for. */
  lines: number;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  // A trailing newline ends the last line rather than starting an empty one.
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Line diff of `before` → `after` (longest common subsequence), removed lines
 * before the added ones that replace them, like `diff -u`. Rule files have
 * hundreds of lines, so the quadratic table stays small.
 * @public
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // common[i][j]: length of the longest common subsequence of a[i..], b[j..].
  const common = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i][j] =
        a[i] === b[j]
          ? common[i + 1][j + 1] + 1
          : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ kind: 'same', text: a[i] });
      i++;
      j++;
    } else if (
      j >= b.length ||
      (i < a.length && common[i + 1][j] >= common[i][j + 1])
    ) {
      lines.push({ kind: 'removed', text: a[i] });
      i++;
    } else {
      lines.push({ kind: 'added', text: b[j] });
      j++;
    }
  }
  return lines;
}

/** Added and removed line counts of a diff. @public */
export function diffStat(lines: DiffLine[]): {
  added: number;
  removed: number;
} {
  return {
    added: lines.filter(l => l.kind === 'added').length,
    removed: lines.filter(l => l.kind === 'removed').length,
  };
}

/**
 * The diff as a reviewer reads it: changed lines with `context` unchanged
 * lines around them; longer unchanged runs become one gap.
 * @public
 */
export function withContext(
  lines: DiffLine[],
  context = 3,
): Array<DiffLine | DiffGap> {
  const near = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.kind === 'same') return;
    const from = Math.max(0, index - context);
    const to = Math.min(lines.length - 1, index + context);
    for (let k = from; k <= to; k++) near[k] = true;
  });
  const shown: Array<DiffLine | DiffGap> = [];
  lines.forEach((line, index) => {
    if (near[index]) {
      shown.push(line);
      return;
    }
    const last = shown[shown.length - 1];
    if (last?.kind === 'gap') last.lines++;
    else shown.push({ kind: 'gap', lines: 1 });
  });
  return shown;
}
