import { findSyntaxError } from './promqlSyntax';
import { parsePromql } from './promqlTree';

const check = (expr: string) => findSyntaxError(parsePromql(expr));

describe('findSyntaxError', () => {
  it.each([
    'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.01',
    'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5',
    'rate(x_total[5m] offset 1w)',
    'rate((x_total[5m]))',
    'max_over_time(rate(x_total[5m])[1h:5m])',
    'quantile_over_time(0.9, up[10m])',
    'absent(up{job="a"})',
    'vector(1)',
    '1 + 2',
    'scalar(sum(up)) > 0',
    'sum(up) by (job) > bool 0',
    'label_replace(up, "a", "$1", "job", "(.*)")',
    'x_total / on(a) group_left(b) y',
    '-up',
  ])('accepts %s', expr => {
    expect(check(expr)).toBeUndefined();
  });

  it.each([
    ['', 0, 'the expression is empty'],
    ['   ', 0, 'the expression is empty'],
    ['sum(rate(x[5m])', 15, 'unexpected end of expression'],
    [
      'sum(rate(x[5m]))\n  / (sum(rate(y[5m])) > 0',
      42,
      'unexpected end of expression',
    ],
    ['foo(x_total)', 0, 'unknown function "foo"'],
    ['up{job="a"', 10, 'unexpected end of expression'],
    ['up ) > 0', 3, 'unexpected ")'],
    ['rate(x_total)', 5, 'rate() expects a range vector'],
    ['rate()', 0, 'rate() expects a range vector'],
    [
      'quantile_over_time(0.9, up)',
      24,
      'quantile_over_time() expects a range vector',
    ],
    [
      'abs(x[5m])',
      4,
      'abs() expects an instant vector, not the range vector "x[5m]"',
    ],
    ['sum(x_total[5m])', 4, 'an aggregation expects an instant vector'],
    ['x_total[5m] > 1', 0, 'an operator expects an instant vector'],
    [
      'x_total[5m]',
      0,
      'must return an instant vector or a scalar, not a range vector',
    ],
    ['"text"', 0, 'not a string'],
  ])('rejects %j at offset %i', (expr, offset, message) => {
    const error = check(expr);
    expect(error).toBeDefined();
    expect(error!.offset).toBe(offset);
    expect(error!.message).toContain(message);
  });
});
