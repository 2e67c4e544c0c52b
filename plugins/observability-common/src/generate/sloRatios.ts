/**
 * An SLO's objective and error budget as ratios, computed in decimal. In
 * binary floating point `1 - 0.99999` is `0.00000999999999995`: the
 * subtraction's absolute error is tiny, but relative to a small budget it
 * survives any significant-digit rounding and ends up in rule expressions
 * and alert texts. The percentage a person wrote is a short decimal, so the
 * complement is taken on its digits instead.
 */

/** `n` as `digits × 10^-scale`, read from its shortest round-trip text. */
function toDecimal(n: number): { digits: bigint; scale: number } {
  const [mantissa, exponent = '0'] = String(n).split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const digits = BigInt(whole + fraction);
  const scale = fraction.length - Number(exponent);
  return scale >= 0
    ? { digits, scale }
    : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}

/**
 * Objective and error budget (`1 - objective`) as ratios of an objective in
 * percent, each the float nearest to the exact decimal: 99.999 gives
 * `0.99999` and `0.00001`.
 * @internal
 */
export function sloRatios(objectivePercent: number): {
  objective: number;
  budget: number;
} {
  const { digits, scale } = toDecimal(objectivePercent);
  const ratioScale = scale + 2;
  const whole = 10n ** BigInt(ratioScale);
  return {
    objective: Number(`${digits}e-${ratioScale}`),
    budget: Number(`${whole - digits}e-${ratioScale}`),
  };
}
