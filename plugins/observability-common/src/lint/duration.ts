/** Prometheus duration syntax (`1h30m`, `5m`, `0`), as accepted in `for:`. */
const DURATION =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** Seconds in a Prometheus duration, or undefined when it is not one. */
export function parsePrometheusDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const match = DURATION.exec(trimmed);
  if (!trimmed || !match) return undefined;
  return match
    .slice(1)
    .reduce(
      (total, part, index) =>
        total + (part ? Number(part) * UNIT_SECONDS[index] : 0),
      0,
    );
}

/**
 * Units {@link formatPrometheusDuration} writes, largest first. It stops at
 * days, as generated rules do (`30d`, never `4w2d`): weeks and years are
 * fixed lengths in Prometheus, but people read SLO windows in days.
 */
const UNITS: ReadonlyArray<[string, number]> = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/**
 * Seconds as a Prometheus duration in its shortest whole-unit spelling
 * (`300` → `5m`, `5400` → `1h30m`), the way generated rules spell them.
 * @public
 */
export function formatPrometheusDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  let rest = Math.round(seconds * 1000);
  let text = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / (size * 1000));
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size * 1000;
  }
  return rest > 0 ? `${text}${rest}ms` : text;
}
