import fc from 'fast-check';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { generatePrometheusRules } from './prometheusRules';
import { sloRatios } from './sloRatios';
import { makeSpec } from './__testUtils__/makeSpec';

/** `units / 10^scale` written out exactly, without trailing zeros: (1, 5) → `0.00001`. */
function exactDecimal(units: number, scale: number): string {
  const digits = String(units).padStart(scale + 1, '0');
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return text.replace(/\.?0+$/, '');
}

/** A printed number (plain or `1e-7`) read back as an exact decimal, written like {@link exactDecimal}. */
function asWritten(printed: string): string {
  const [mantissa, exponent = '0'] = printed.split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const scale = fraction.length - Number(exponent);
  const units = whole + fraction;
  return scale <= 0
    ? units + '0'.repeat(-scale)
    : exactDecimal(Number(units), scale);
}

/** What the SLO rules print for an objective: the budget rule's number and every "N % budget" text. */
function printedBudgets(objectivePercent: number) {
  const spec = makeSpec({
    slos: [
      {
        slo: 'availability',
        objectivePercent,
        windowDays: 30,
        window: { type: 'rolling', days: 30 },
        annotation: 'redline.dev/slo-availability',
      },
    ],
  });
  const { rules, alerts, findings } = generatePrometheusRules(
    spec,
    DEFAULT_GENERATOR_CONFIG,
  );
  const budgetRule = rules.groups
    .flatMap(g => g.rules)
    .find(r => 'record' in r && r.record === 'slo:error_budget:ratio')!;
  const texts = [
    ...alerts.map(a => a.annotations.description ?? ''),
    ...findings.map(f => f.message),
  ];
  return {
    ratio: /^vector\((.*)\)$/.exec(budgetRule.expr)![1],
    percents: texts.flatMap(t =>
      [...t.matchAll(/(\S+) % (?:error )?budget/g)].map(m => m[1]),
    ),
  };
}

describe('sloRatios', () => {
  it('takes the complement in decimal, not in binary', () => {
    expect(1 - 0.99999).not.toBe(0.00001);
    expect(sloRatios(99.999)).toEqual({ objective: 0.99999, budget: 0.00001 });
    expect(sloRatios(99.9)).toEqual({ objective: 0.999, budget: 0.001 });
    expect(sloRatios(0.5)).toEqual({ objective: 0.005, budget: 0.995 });
    expect(sloRatios(99.99999)).toEqual({
      objective: 0.9999999,
      budget: 1e-7,
    });
  });

  it('prints 99.999 % as a 0.00001 budget and a 0.001 % text', () => {
    const { ratio, percents } = printedBudgets(99.999);
    expect(ratio).toBe('0.00001');
    expect(percents.length).toBeGreaterThan(0);
    expect(new Set(percents)).toEqual(new Set(['0.001']));
  });

  it('prints the exact budget for every objective with up to 5 decimals', () => {
    const hundredPercent = 10_000_000; // 100 % in units of 0.00001 %
    fc.assert(
      fc.property(fc.integer({ min: 1, max: hundredPercent - 1 }), units => {
        const objective = Number(exactDecimal(units, 5));
        const { ratio, percents } = printedBudgets(objective);
        expect(asWritten(ratio)).toBe(exactDecimal(hundredPercent - units, 7));
        for (const percent of percents) {
          expect(asWritten(percent)).toBe(
            exactDecimal(hundredPercent - units, 5),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
