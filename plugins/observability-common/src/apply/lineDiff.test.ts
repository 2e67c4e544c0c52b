import { diffStat, lineDiff, withContext } from './lineDiff';

describe('lineDiff', () => {
  it('marks every line of a first deploy as added', () => {
    expect(lineDiff('', 'a\nb\n')).toEqual([
      { kind: 'added', text: 'a' },
      { kind: 'added', text: 'b' },
    ]);
  });

  it('keeps common lines and puts removed lines before the ones replacing them', () => {
    const diff = lineDiff('a\nfor: 10m\nc\n', 'a\nfor: 5m\nc\nd\n');
    expect(diff).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'for: 10m' },
      { kind: 'added', text: 'for: 5m' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ]);
    expect(diffStat(diff)).toEqual({ added: 2, removed: 1 });
  });

  it('finds no change between identical files', () => {
    expect(diffStat(lineDiff('x\ny\n', 'x\ny\n'))).toEqual({
      added: 0,
      removed: 0,
    });
  });
});

describe('withContext', () => {
  it('folds long unchanged runs into gaps and keeps context around changes', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    const shown = withContext(lineDiff(before, after), 2);
    expect(shown).toEqual([
      { kind: 'gap', lines: 8 },
      { kind: 'same', text: 'line 8' },
      { kind: 'same', text: 'line 9' },
      { kind: 'removed', text: 'line 10' },
      { kind: 'added', text: 'line ten' },
      { kind: 'same', text: 'line 11' },
      { kind: 'same', text: 'line 12' },
      { kind: 'gap', lines: 7 },
    ]);
  });
});
