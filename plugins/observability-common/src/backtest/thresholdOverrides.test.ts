import { parseSpec } from '../spec/parseSpec';
import { thresholdAnnotations } from './thresholdOverrides';

describe('thresholdAnnotations', () => {
  it('names each override by its annotation and leaves out blank ones', () => {
    expect(
      thresholdAnnotations({
        errorRateThreshold: ' 2.5 ',
        latencyP99Threshold: '750ms',
        rateDropThreshold: '  ',
      }),
    ).toEqual({
      'redline.dev/error-rate-threshold': '2.5',
      'redline.dev/latency-p99-threshold': '750ms',
    });
    expect(thresholdAnnotations({})).toEqual({});
  });

  it('yields annotations the spec parser reads as the thresholds', () => {
    const { spec, findings } = parseSpec({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'checkout',
        annotations: thresholdAnnotations({
          errorRateThreshold: '2.5',
          latencyP99Threshold: '750ms',
          rateDropThreshold: '30',
        }),
      },
      spec: { type: 'service', owner: 'group:default/payments' },
    });
    expect(findings.filter(f => f.id === 'annotation.invalid')).toEqual([]);
    expect(spec.thresholds.errorRatePercent.value).toBe(2.5);
    expect(spec.thresholds.latencyP99Ms.value).toBe(750);
    expect(spec.thresholds.rateDropPercent.value).toBe(30);
  });
});
