import { judgeLiveValue, judgementText } from './judgement';

const errors = { signal: 'errors', threshold: 0.5, unit: 'percent' } as const;

describe('judgeLiveValue', () => {
  it('calls 100 % errors against "> 0.5 %" a breach, not neutral', () => {
    expect(judgeLiveValue(errors, { value: 100 })).toBe('breach');
  });

  it('tells breach, near and ok apart around the threshold', () => {
    expect(judgeLiveValue(errors, { value: 0.51 })).toBe('breach');
    expect(judgeLiveValue(errors, { value: 0.5 })).toBe('near');
    expect(judgeLiveValue(errors, { value: 0.4 })).toBe('near');
    expect(judgeLiveValue(errors, { value: 0.39 })).toBe('ok');
    expect(judgeLiveValue(errors, { value: 0 })).toBe('ok');
  });

  it('says no data for missing or non-finite values', () => {
    expect(judgeLiveValue(errors, undefined)).toBe('no-data');
    expect(judgeLiveValue(errors, { value: null })).toBe('no-data');
    expect(judgeLiveValue(errors, { value: NaN })).toBe('no-data');
  });

  it('does not judge the relative rate target or a value in another unit', () => {
    const rate = { signal: 'rate', threshold: 50, unit: 'percent' } as const;
    expect(judgeLiveValue(rate, { value: 9.88, unit: 'req/s' })).toBe(
      'unjudged',
    );
    expect(judgeLiveValue(errors, { value: 900, unit: 'ms' })).toBe('unjudged');
  });
});

describe('judgementText', () => {
  it('names the judgement and the threshold for screen readers', () => {
    expect(judgementText('breach', '> 0.5 %')).toBe(
      'breaching its threshold (> 0.5 %)',
    );
    expect(judgementText('ok', '> 500 ms')).toBe(
      'within its threshold (> 500 ms)',
    );
    expect(judgementText('no-data', '> 1 %')).toBe('no data');
  });
});
