import { CONFIDENCE_WEIGHTS, computeConfidence } from './confidence';
import { makeBareSpec, makeSpec } from './__testUtils__/makeSpec';

describe('computeConfidence', () => {
  it('has weights that add up to 1', () => {
    const total = CONFIDENCE_WEIGHTS.reduce((sum, f) => sum + f.weight, 0);
    expect(total).toBeCloseTo(1, 10);
  });

  it('scores a fully described service high and explains every factor', () => {
    const spec = makeSpec({
      serviceName: {
        value: 'checkout',
        source: 'annotation',
        annotation: 'redline.dev/service-name',
      },
    });
    const { score, factors } = computeConfidence(spec, []);
    // Only `thresholds` (0.05) is unmet: the fixture keeps the seed defaults.
    expect(score).toBe(0.95);
    expect(factors.filter(f => !f.met).map(f => f.id)).toEqual(['thresholds']);
    for (const f of factors) expect(f.detail).not.toBe('');
  });

  it('scores bare metadata at zero', () => {
    expect(computeConfidence(makeBareSpec(), []).score).toBe(0);
  });

  it('adds exactly the weight of a factor when it is met', () => {
    const base = computeConfidence(makeBareSpec(), []).score;
    const withOwner = computeConfidence(
      makeBareSpec({ owner: 'group:default/payments', team: 'payments' }),
      [],
    ).score;
    expect(withOwner - base).toBeCloseTo(0.15, 10);
  });

  it('takes 0.05 per failing metadata check, at most 0.25, never below 0', () => {
    const spec = makeSpec();
    const full = computeConfidence(spec, []).score;
    const invalid = (annotation: string) => ({
      id: 'annotation.invalid',
      severity: 'error' as const,
      message: 'm',
      annotation,
    });
    const warning = { id: 'y', severity: 'warning' as const, message: 'm' };
    expect(
      computeConfidence(spec, [invalid('redline.dev/tier'), warning]).score,
    ).toBeCloseTo(full - 0.05, 10);
    const tenKeys = [
      'redline.dev/tier',
      'redline.dev/runbook-url',
      'redline.dev/dashboard-url',
      'redline.dev/log-query-url',
      'redline.dev/trace-url',
      'redline.dev/log-selector',
      'redline.dev/metrics-selector',
      'redline.dev/error-rate-threshold',
      'redline.dev/latency-p99-threshold',
      'redline.dev/rate-drop-threshold',
    ];
    expect(computeConfidence(spec, tenKeys.map(invalid)).score).toBeCloseTo(
      full - 0.25,
      10,
    );
    const penalised = computeConfidence(makeBareSpec(), [
      invalid('redline.dev/tier'),
    ]);
    expect(penalised.score).toBe(0);
    expect(penalised.factors.at(-1)).toMatchObject({
      id: 'errors',
      label: 'Failing metadata checks',
      weight: -0.05,
      met: false,
      detail: '1 failing metadata check (Tier), −0.05 each (at most −0.25)',
    });
  });

  it('counts one check per policy, not one per finding', () => {
    const spec = makeSpec();
    const full = computeConfidence(spec, []).score;
    // Both SLO keys invalid fail the one "Service-level objective" check.
    const slo = ['redline.dev/slo-availability', 'redline.dev/slo-latency'].map(
      annotation => ({
        id: 'annotation.invalid',
        severity: 'error' as const,
        message: 'm',
        annotation,
      }),
    );
    expect(computeConfidence(spec, slo).score).toBeCloseTo(full - 0.05, 10);
  });

  it('does not count a missing receiver again: the pager and ticket factors weigh it', () => {
    const spec = makeBareSpec({ owner: 'group:default/p', team: 'p' });
    const noReceiver = {
      id: 'alertmanager.no-receiver',
      severity: 'error' as const,
      message: 'notifies nobody',
      annotation: 'pagerduty.com/integration-key',
    };
    const confidence = computeConfidence(spec, [noReceiver]);
    expect(confidence.factors.map(f => f.id)).not.toContain('errors');
    expect(confidence.score).toBe(computeConfidence(spec, []).score);
  });
});
