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
