import type {
  BudgetPoint,
  SloAlertFiring,
} from '@redline/backstage-plugin-observability-common';

export interface TimedValue {
  t: number;
  v: number;
}

/**
 * Splits the burn-down at its `null` points: a gap is "not measured", and
 * joining across it (or dropping to zero) would draw data nobody observed.
 */
export function budgetSegments(points: BudgetPoint[]): {
  segments: TimedValue[][];
  gaps: number;
} {
  const sorted = points
    .map(p => ({ t: Date.parse(p.t), v: p.remainingPercent }))
    .filter(p => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  const segments: TimedValue[][] = [];
  let current: TimedValue[] = [];
  let gaps = 0;
  let inGap = false;
  for (const point of sorted) {
    if (point.v === null || !Number.isFinite(point.v)) {
      if (!inGap && segments.length + current.length > 0) gaps += 1;
      inGap = true;
      if (current.length > 0) segments.push(current);
      current = [];
    } else {
      inGap = false;
      current.push({ t: point.t, v: point.v });
    }
  }
  if (current.length > 0) segments.push(current);
  // A trailing run of nulls is a gap too (data stopped), a leading one is
  // not counted: the series simply had not started.
  return { segments, gaps };
}

/** `M x,y L x,y …` per segment, so one `<path>` shows the breaks. */
export function segmentsPath(
  segments: TimedValue[][],
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  return segments
    .map(segment =>
      segment
        .map(
          (p, i) =>
            `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`,
        )
        .join(' '),
    )
    .join(' ');
}

/** `2026-11-04 18:00 UTC`. */
export function utcMinute(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t)
    ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`
    : iso;
}

/** What a firing marker says, on hover and to assistive technology. */
export function firingLabel(firing: SloAlertFiring): string {
  const details = [
    firing.severity,
    firing.burnWindow && `${firing.burnWindow} burn window`,
  ]
    .filter(Boolean)
    .join(', ');
  const until = firing.endsAt
    ? `until ${utcMinute(firing.endsAt)}`
    : 'still firing';
  return `${firing.alert}${details ? ` (${details})` : ''} fired ${utcMinute(
    firing.startsAt,
  )}, ${until}`;
}
