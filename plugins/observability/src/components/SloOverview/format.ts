import type {
  SloStatus,
  SloSuggestion,
} from '@redline/backstage-plugin-observability-common';

/**
 * SLO numbers arrive as `number | null`; a `null` (no traffic, no data, no
 * Prometheus) must read "no data", never `NaN %` or a reassuring `100 %`.
 */
export const NO_DATA = 'no data';

function known(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `50` → `50.0 %`; already in percent (the SLO answer's unit), unlike `percent()` in lib/format. */
export function formatPercent(
  value: number | null | undefined,
  digits = 1,
): string {
  return known(value) ? `${value.toFixed(digits)} %` : NO_DATA;
}

/** `1.23` → `1.2×`. */
export function formatBurnRate(value: number | null | undefined): string {
  return known(value) ? `${value.toFixed(1)}×` : NO_DATA;
}

/** `12000` → `3 h 20 min`; `null` (not burning, or unknown) → `—`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (!known(seconds)) return '—';
  // The backend says 0 once the budget is spent: it is not about to run out.
  if (seconds <= 0) return 'already spent';
  if (seconds < 60) return '< 1 min';
  const minutes = Math.floor(seconds / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

/** Budget as time at full outage: `21.6 min`, `1,296 min`. */
export function formatMinutes(value: number | null | undefined): string {
  if (!known(value)) return NO_DATA;
  return Math.abs(value) >= 100
    ? `${Math.round(value).toLocaleString('en-US')} min`
    : `${value.toFixed(1)} min`;
}

/** `43200.4` → `43,200 requests`. */
export function formatRequests(value: number | null | undefined): string {
  if (!known(value)) return NO_DATA;
  const rounded = Math.round(value);
  return `${rounded.toLocaleString('en-US')} request${
    Math.abs(rounded) === 1 ? '' : 's'
  }`;
}

/** An objective as declared: `99.9 %`, never rounded (99.95 must stay 99.95). */
export function formatObjective(objectivePercent: number): string {
  return `${objectivePercent} %`;
}

/** `Availability`, or `Latency ≤ 400 ms` so two latency SLOs can be told apart. */
export function sloTitle(
  slo: Pick<SloStatus, 'slo' | 'thresholdSeconds'>,
): string {
  if (slo.slo === 'availability') return 'Availability';
  return known(slo.thresholdSeconds)
    ? `Latency ≤ ${Math.round(slo.thresholdSeconds * 1000)} ms`
    : 'Latency';
}

/** The suggestion's annotations as `catalog-info.yaml` lines, ready to paste. */
export function annotationsYaml(
  annotations: SloSuggestion['annotations'],
): string {
  return [
    'metadata:',
    '  annotations:',
    ...Object.entries(annotations).map(
      ([key, value]) => `    ${key}: ${JSON.stringify(value)}`,
    ),
  ].join('\n');
}
