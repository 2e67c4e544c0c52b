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

  it('takes 0.05 per error finding, at most 0.25, never below 0', () => {
    const spec = makeSpec();
    const full = computeConfidence(spec, []).score;
    const error = { id: 'x', severity: 'error' as const, message: 'm' };
    const warning = { id: 'y', severity: 'warning' as const, message: 'm' };
    expect(computeConfidence(spec, [error, warning]).score).toBeCloseTo(
      full - 0.05,
      10,
    );
    expect(computeConfidence(spec, Array(10).fill(error)).score).toBeCloseTo(
      full - 0.25,
      10,
    );
    const penalised = computeConfidence(makeBareSpec(), [error]);
    expect(penalised.score).toBe(0);
    expect(penalised.factors.at(-1)).toMatchObject({
      id: 'errors',
      weight: -0.05,
      met: false,
    });
  });
});
