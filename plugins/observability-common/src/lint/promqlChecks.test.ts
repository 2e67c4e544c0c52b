import { causeKind } from './metricKinds';
import { checkExpression, isMultiWindowCondition } from './promqlChecks';
import { parsePromql } from './promqlTree';

const ids = (expr: string) =>
  checkExpression(parsePromql(expr)).map(issue => issue.ruleId);
const issues = (expr: string) => checkExpression(parsePromql(expr));

describe('promql/counter-without-rate', () => {
  it.each([
    'http_requests_total > 100',
    'sum(http_requests_total)',
    'http_request_duration_seconds_sum / http_request_duration_seconds_count',
    'topk(5, x_total)',
    'x_total - x_total offset 1h',
    'rate(y_total[5m]) or x_total',
    'x_errors_total / x_requests_total',
    '{__name__="x_total"} > 1',
  ])('flags %s', expr => {
    expect(ids(expr)).toContain('promql/counter-without-rate');
  });

  it.each([
    'rate(x_total[5m])',
    'increase(x_bucket[1h])',
    'max_over_time(rate(x_total[5m])[1h:1m])',
    'rate(x_total[5m:1m])',
    'absent(x_total{job="a"})',
    'count(x_total)',
    'count by (job) (x_count)',
    'group(x_sum)',
    'timestamp(x_total)',
    'rate(y_total[5m]) and x_total',
    'rate(y_total[5m]) unless on(job) x_total',
    'job:x_total:sum',
    'up == 0',
    // Capacity gauges named _total beside a gauge of the same family.
    'container_fs_inodes_free / container_fs_inodes_total < 0.1',
    'sum by (instance) (node_fs_used) / sum by (instance) (node_fs_total)',
  ])('accepts %s', expr => {
    expect(ids(expr)).not.toContain('promql/counter-without-rate');
  });

  it('points at the selector', () => {
    expect(issues('1 + x_total')[0]).toMatchObject({ offset: 4 });
  });
});

describe('promql/rate-on-gauge', () => {
  it.each([
    'rate(active_connections[5m])',
    'irate(node_memory_MemAvailable_bytes[5m])',
    'increase(process_start_timestamp_seconds[1h])',
    'rate(queue_depth[5m] offset 1h)',
    'rate(up[5m])',
    'rate(cpu_usage_percent[5m:1m])',
    'rate(jvm_threads_current[5m])',
  ])('flags %s', expr => {
    expect(ids(expr)).toEqual(['promql/rate-on-gauge']);
  });

  it.each([
    'rate(http_requests_total[5m])',
    'deriv(active_connections[5m])',
    'delta(node_memory_MemAvailable_bytes[1h])',
    // A native histogram: rate() is right, and the name says nothing about gauges.
    'rate(http_request_duration_seconds[5m])',
    'rate(response_size_bytes[5m])',
    'rate(svc:active_connections:sum[5m])',
    // Exporters expose cumulative seconds without _total; not a gauge by its name.
    'rate(elasticsearch_indices_search_query_time_seconds[5m])',
  ])('accepts %s', expr => {
    expect(ids(expr)).toEqual([]);
  });
});

describe('promql/histogram-quantile-drops-le', () => {
  it.each([
    'histogram_quantile(0.99, sum(rate(x_bucket[5m])))',
    'histogram_quantile(0.99, sum by (job) (rate(x_bucket[5m])))',
    'histogram_quantile(0.99, sum without (le) (rate(x_bucket[5m])))',
    'histogram_quantile(0.99, max by (job) (sum by (le, job) (rate(x_bucket[5m]))))',
    'histogram_quantile(0.9, avg(job:x_bucket:rate5m))',
  ])('flags %s', expr => {
    expect(ids(expr)).toEqual(['promql/histogram-quantile-drops-le']);
  });

  it.each([
    'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))',
    'histogram_quantile(0.99, sum by (job, le) (rate(x_bucket[5m])))',
    'histogram_quantile(0.99, sum without (instance) (rate(x_bucket[5m])))',
    'histogram_quantile(0.99, rate(x_bucket[5m]))',
    'histogram_quantile(0.99, topk(3, rate(x_bucket[5m])))',
    // A native histogram has no le label to lose.
    'histogram_quantile(0.99, sum(rate(x_seconds[5m])))',
  ])('accepts %s', expr => {
    expect(ids(expr)).toEqual([]);
  });

  it('suggests the grouping with le added', () => {
    const [issue] = issues(
      'histogram_quantile(0.99, sum by (job) (rate(x_bucket[5m])))',
    );
    expect(issue.fix).toContain('sum by (le, job)');
    expect(issue.offset).toBe(25);
  });
});

describe('promql/high-cardinality-label', () => {
  it.each([
    ['sum by (user_id) (rate(x_total[5m]))', 'user_id'],
    ['sum(rate(x_total[5m])) by (service, requestId)', 'requestId'],
    ['count by (trace_id) (up)', 'trace_id'],
    ['sum by (url) (rate(x_total[5m]))', 'url'],
    ['sum by (raw_path) (rate(x_total[5m]))', 'raw_path'],
    ['topk by (session_id) (3, rate(x_total[5m]))', 'session_id'],
  ])('flags %s', (expr, label) => {
    const found = issues(expr).filter(
      issue => issue.ruleId === 'promql/high-cardinality-label',
    );
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain(`"${label}"`);
    expect(expr.slice(found[0].offset, found[0].offset + label.length)).toBe(
      label,
    );
  });

  it.each([
    'sum by (service, route, status) (rate(x_total[5m]))',
    'sum without (user_id) (rate(x_total[5m]))',
    'sum by (handler, http_route, method) (rate(x_total[5m]))',
    'rate(x_total{user_id="42"}[5m])',
  ])('accepts %s', expr => {
    expect(ids(expr)).toEqual([]);
  });
});

describe('promql/division-by-zero', () => {
  it.each([
    'sum(rate(a_total[5m])) / sum(rate(b_total[5m]))',
    'rate(a_total[5m]) / rate(b_total[5m]) > 0.01',
    'increase(a_total[1h]) / increase(b_total[1h])',
    'rate(a_sum[5m]) / (rate(a_count[5m]) * 60)',
    'up / 0',
  ])('flags %s', expr => {
    expect(ids(expr)).toContain('promql/division-by-zero');
  });

  it.each([
    'sum(rate(a_total[5m])) / (sum(rate(b_total[5m])) > 0)',
    'sum(rate(a_total[5m])) / (sum(rate(b_total[5m])) != 0)',
    'sum(rate(a_total[5m])) / clamp_min(sum(rate(b_total[5m])), 1)',
    '(sum(rate(a_total[5m])) / sum(rate(b_total[5m]))) and on() (sum(rate(b_total[5m])) > 0)',
    'sum(up) / count(up)',
    'slo:burn:ratio / 0.001',
    'x / y',
    'a_sum / a_count',
    'rate(a_total[5m]) / ((rate(b_total[5m]) > bool 0) + 1)',
  ])('accepts %s', expr => {
    expect(ids(expr)).not.toContain('promql/division-by-zero');
  });

  it('still flags a bool comparison, which yields 0 instead of filtering', () => {
    expect(ids('rate(a_total[5m]) / (rate(b_total[5m]) > bool 0)')).toContain(
      'promql/division-by-zero',
    );
  });
});

describe('isMultiWindowCondition', () => {
  it.each([
    ['slo:err:ratio_rate1h > 0.0144 and slo:err:ratio_rate5m > 0.0144', true],
    ['rate(a_total[1h]) > 1 and rate(a_total[5m]) > 1', true],
    [
      '(x:ratio_rate6h > 6e-3 and x:ratio_rate30m > 6e-3) or (x:ratio_rate1h > 0.0144 and x:ratio_rate5m > 0.0144)',
      true,
    ],
    ['rate(a_total[5m]) > 1 and rate(b_total[5m]) > 1', false],
    ['rate(a_total[1h]) > 1 or rate(a_total[5m]) > 1', false],
    ['up == 0 and on() vector(1)', false],
  ])('%s → %s', (expr, expected) => {
    expect(isMultiWindowCondition(parsePromql(expr))).toBe(expected);
  });
});

describe('causeKind', () => {
  it.each([
    ['node_cpu_seconds_total', 'cpu'],
    ['instance:node_cpu:ratio', 'cpu'],
    ['node_load5', 'cpu'],
    ['container_memory_working_set_bytes', 'memory'],
    ['jvm_memory_used_bytes', 'memory'],
    ['node_filesystem_avail_bytes', 'disk'],
    ['kubelet_volume_stats_available_bytes', 'disk'],
    ['app_exceptions_total', 'exceptions'],
    ['kube_pod_container_status_restarts_total', 'restarts'],
    ['http_requests_total', undefined],
    ['http_request_duration_seconds_bucket', undefined],
    ['page_load_seconds', undefined],
    ['cpuinfo_present', undefined],
  ])('%s → %s', (name, kind) => {
    expect(causeKind(name)).toBe(kind);
  });
});
