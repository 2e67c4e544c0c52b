import {
  annotationsYaml,
  formatBurnRate,
  formatDuration,
  formatMinutes,
  formatObjective,
  formatPercent,
  formatRequests,
  sloTitle,
} from './format';

describe('SLO formatting', () => {
  it('says "no data" for null and non-finite numbers, never NaN or 100 %', () => {
    for (const format of [
      formatPercent,
      formatBurnRate,
      formatMinutes,
      formatRequests,
    ]) {
      expect(format(null)).toBe('no data');
      expect(format(Number.NaN)).toBe('no data');
    }
    expect(formatDuration(null)).toBe('—');
  });

  it('formats percentages, burn rates and objectives', () => {
    expect(formatPercent(50)).toBe('50.0 %');
    expect(formatPercent(-12.345)).toBe('-12.3 %');
    expect(formatPercent(99.954, 2)).toBe('99.95 %');
    expect(formatBurnRate(1.23)).toBe('1.2×');
    expect(formatBurnRate(14.4)).toBe('14.4×');
    expect(formatObjective(99.95)).toBe('99.95 %');
  });

  it('formats time left the way people say it', () => {
    expect(formatDuration(12_000)).toBe('3 h 20 min');
    expect(formatDuration(3_600)).toBe('1 h');
    expect(formatDuration(45 * 60)).toBe('45 min');
    expect(formatDuration(30)).toBe('< 1 min');
    expect(formatDuration(0)).toBe('already spent');
    expect(formatDuration(820_800)).toBe('9 d 12 h');
    expect(formatDuration(2 * 86_400)).toBe('2 d');
  });

  it('formats budget as outage minutes and requests', () => {
    expect(formatMinutes(21.6)).toBe('21.6 min');
    expect(formatMinutes(1296.4)).toBe('1,296 min');
    expect(formatRequests(43_200.4)).toBe('43,200 requests');
    expect(formatRequests(1)).toBe('1 request');
  });

  it('names SLOs so two latency SLOs differ', () => {
    expect(sloTitle({ slo: 'availability' })).toBe('Availability');
    expect(sloTitle({ slo: 'latency', thresholdSeconds: 0.4 })).toBe(
      'Latency ≤ 400 ms',
    );
  });

  it('renders annotations as catalog-info.yaml lines', () => {
    expect(
      annotationsYaml({
        'redline.dev/slo-availability': '99.9',
        'redline.dev/slo-latency': '99% < 300ms',
      }),
    ).toBe(
      [
        'metadata:',
        '  annotations:',
        '    redline.dev/slo-availability: "99.9"',
        '    redline.dev/slo-latency: "99% < 300ms"',
      ].join('\n'),
    );
  });
});
