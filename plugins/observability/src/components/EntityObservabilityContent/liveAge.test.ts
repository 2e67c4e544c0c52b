import { ageText, asOfText } from './liveAge';

describe('asOfText', () => {
  it('gives the clock time and the age', () => {
    const asOf = new Date(2026, 10, 30, 12, 3, 10).getTime();
    expect(asOfText(asOf, asOf + 20_000)).toBe('as of 12:03:10, 20 s ago');
  });

  it('never says a negative age when clocks disagree', () => {
    const asOf = new Date(2026, 10, 30, 9, 5, 0).getTime();
    expect(asOfText(asOf, asOf - 5_000)).toBe('as of 09:05:00, just now');
  });
});

describe('ageText', () => {
  it.each([
    [0, 'just now'],
    [999, 'just now'],
    [1_000, '1 s ago'],
    [59_999, '59 s ago'],
    [60_000, '1 min ago'],
    [3_599_000, '59 min ago'],
    [7_200_000, '2 h ago'],
  ])('%i ms → %s', (ms, text) => {
    expect(ageText(ms)).toBe(text);
  });
});
