/**
 * An OpenSLO time window -> the compliance windows `redline.dev/slo-window`
 * offers. Burn-rate factors are fixed numbers per window length, so only
 * the lengths Redline generates for are read; any other falls back to the
 * default with the reason, as an invalid slo-window does.
 */
import { sloWindowDays } from '../spec/sloWindow';
import type { SloWindow } from '../spec/types';

/** A time window as the schema reads it. */
export interface OpenSloTimeWindow {
  duration: string;
  isRolling?: boolean;
  calendar?: { startTime: string; timeZone: string };
}

/** The window Redline uses and what of the document's window it could not follow. */
export interface ReadTimeWindow {
  window: SloWindow;
  windowDays: number;
  problems: string[];
}

/** parseSpec's default (30 days, rolling), restated: parseSpec reads this module. */
const DEFAULT_SLO_WINDOW: SloWindow = { type: 'rolling', days: 30 };
const SLO_WINDOW_DAYS = 30;

const ROLLING_DAYS: Readonly<Record<string, 7 | 28 | 30>> = {
  '7d': 7,
  '1w': 7,
  '28d': 28,
  '4w': 28,
  '30d': 30,
};

const CALENDAR_PERIODS: Readonly<Record<string, 'month' | 'week'>> = {
  '1M': 'month',
  '1w': 'week',
};

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Z']);

const SUPPORTED =
  'Redline generates for rolling 7d, 28d (4w) or 30d windows and calendar months (1M) or weeks (1w)';

function calendarProblems(
  calendar: NonNullable<OpenSloTimeWindow['calendar']>,
  period: 'month' | 'week',
): string[] {
  const problems: string[] = [];
  if (!UTC_ZONES.has(calendar.timeZone))
    problems.push(
      `the calendar window is in ${calendar.timeZone}; Redline's calendar windows start at midnight UTC, so they are used instead.`,
    );
  const start = new Date(`${calendar.startTime.replace(' ', 'T')}Z`);
  const midnight = calendar.startTime.endsWith(' 00:00:00');
  const aligned =
    period === 'month'
      ? midnight && start.getUTCDate() === 1
      : midnight && start.getUTCDay() === 1;
  if (!aligned)
    problems.push(
      `the calendar window starts at ${
        calendar.startTime
      }; Redline's ${period}s start ${
        period === 'month' ? 'on the 1st' : 'on Monday'
      } at 00:00 UTC, so they are used instead.`,
    );
  return problems;
}

/** Reads one OpenSLO time window; an absent one is the default 30-day rolling window. */
export function readTimeWindow(
  timeWindow: OpenSloTimeWindow | undefined,
): ReadTimeWindow {
  const fallback = (problem: string): ReadTimeWindow => ({
    window: DEFAULT_SLO_WINDOW,
    windowDays: SLO_WINDOW_DAYS,
    problems: [`${problem}; ${SUPPORTED}, and used a rolling 30-day window.`],
  });
  if (timeWindow === undefined)
    return {
      window: DEFAULT_SLO_WINDOW,
      windowDays: SLO_WINDOW_DAYS,
      problems: [],
    };
  const { duration, calendar } = timeWindow;
  if (timeWindow.isRolling === true) {
    const days = ROLLING_DAYS[duration];
    if (days === undefined)
      return fallback(
        `the rolling window ${duration} is not one Redline generates for`,
      );
    const window: SloWindow = { type: 'rolling', days };
    return { window, windowDays: sloWindowDays(window), problems: [] };
  }
  const period = CALENDAR_PERIODS[duration];
  if (period === undefined || calendar === undefined)
    return fallback(
      `the calendar window ${duration} is not one Redline generates for`,
    );
  const window: SloWindow = { type: 'calendar', period };
  return {
    window,
    windowDays: sloWindowDays(window),
    problems: calendarProblems(calendar, period),
  };
}
