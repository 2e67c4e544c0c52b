/** Space around a hand-written SVG chart's plot area, for axis labels. */
export interface ChartMargin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Maps `domain` onto `range` linearly; a zero-width domain maps to the range start rather than NaN. */
export function linearScale(
  [d0, d1]: [number, number],
  [r0, r1]: [number, number],
): (value: number) => number {
  return value => r0 + ((value - d0) / (d1 - d0 || 1)) * (r1 - r0);
}

/** `2026-11-25` — axis labels are in UTC so every viewer reads the same day. */
export function utcDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}
