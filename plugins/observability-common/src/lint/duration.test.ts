import fc from 'fast-check';
import { formatPrometheusDuration, parsePrometheusDuration } from './duration';

describe('parsePrometheusDuration', () => {
  it.each([
    ['5m', 300],
    ['1h30m', 5400],
    ['30d', 2_592_000],
    ['1w', 604_800],
    ['1y', 31_536_000],
    ['1s500ms', 1.5],
    ['0', 0],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parsePrometheusDuration(text)).toBe(seconds);
  });

  it.each(['', '5', '5 m', 'm5', '1.5h', '-5m', '5m1h'])('refuses %j', text => {
    expect(parsePrometheusDuration(text)).toBeUndefined();
  });
});

describe('formatPrometheusDuration', () => {
  it.each([
    [300, '5m'],
    [5400, '1h30m'],
    [86400, '1d'],
    [2_592_000, '30d'],
    [45, '45s'],
    [1.5, '1s500ms'],
    [0, '0s'],
  ])('spells %d seconds as %s', (seconds, text) => {
    expect(formatPrometheusDuration(seconds)).toBe(text);
  });

  it('is read back as the same number of seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 * 86_400_000 }), ms => {
        const seconds = ms / 1000;
        expect(
          parsePrometheusDuration(formatPrometheusDuration(seconds)),
        ).toBeCloseTo(seconds, 6);
      }),
    );
  });
});
