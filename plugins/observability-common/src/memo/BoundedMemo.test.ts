import { BoundedMemo } from './BoundedMemo';

describe('BoundedMemo', () => {
  it('computes each key once and remembers undefined answers too', () => {
    const calls: string[] = [];
    const memo = new BoundedMemo<string, string | undefined>(10);
    const compute = (key: string) => {
      calls.push(key);
      return key === 'none' ? undefined : key.toUpperCase();
    };
    expect(memo.get('a', compute)).toBe('A');
    expect(memo.get('a', compute)).toBe('A');
    expect(memo.get('none', compute)).toBeUndefined();
    expect(memo.get('none', compute)).toBeUndefined();
    expect(calls).toEqual(['a', 'none']);
  });

  it('empties itself when full, then remembers again', () => {
    const memo = new BoundedMemo<number, number>(2);
    let computed = 0;
    const square = (n: number) => {
      computed++;
      return n * n;
    };
    memo.get(1, square);
    memo.get(2, square);
    expect(computed).toBe(2);
    expect(memo.get(3, square)).toBe(9); // full: forgets 1 and 2
    expect(memo.get(3, square)).toBe(9);
    expect(computed).toBe(3);
    expect(memo.get(1, square)).toBe(1);
    expect(computed).toBe(4);
  });
});
