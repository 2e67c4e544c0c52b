/**
 * What an SLO's compliance window means for the generated artifacts: the
 * nominal length burn-rate factors and the recorded period ratio use, and
 * the words alerts, runbooks and dashboards describe it with.
 */
import type { SloWindow } from './types';

/**
 * Nominal length in days. A calendar month counts 30 and a week 7: alert
 * thresholds are fixed numbers in a rule file and cannot follow a month
 * between 28 and 31 days, and 30 keeps a calendar month's factors the
 * well-known 30-day ones.
 */
export function sloWindowDays(window: SloWindow): number {
  if (window.type === 'rolling') return window.days;
  return window.period === 'month' ? 30 : 7;
}

/** e.g. `30 days, rolling`, `calendar week (UTC, from Monday)`. @public */
export function sloWindowLabel(window: SloWindow): string {
  if (window.type === 'rolling') return `${window.days} days, rolling`;
  return window.period === 'month'
    ? 'calendar month (UTC)'
    : 'calendar week (UTC, from Monday)';
}

/**
 * The window in words, for a sentence such as "over …": `30 days`,
 * `the calendar month (UTC)`. Rolling windows name `windowDays`, the length
 * the rules really use.
 */
export function sloWindowText(
  window: SloWindow | undefined,
  windowDays: number,
): string {
  if (window?.type === 'calendar') return `the ${sloWindowLabel(window)}`;
  return `${windowDays} days`;
}

/** True for Sloth's and Pyrra's default, whose generated text predates other windows and is kept byte for byte. */
export function isDefaultSloWindow(
  window: SloWindow | undefined,
  windowDays: number,
): boolean {
  return window?.type !== 'calendar' && windowDays === 30;
}
