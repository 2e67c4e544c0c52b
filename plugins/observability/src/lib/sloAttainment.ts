import { BUDGET_NEARLY_EXHAUSTED_PERCENT } from '@redline/backstage-plugin-observability-common';
import { formatValue, percent } from './format';

/** The fields a coverage summary, team, history point or month carries. */
export interface MeetingFigures {
  slosMeasured?: number;
  slosMeeting?: number;
}

/**
 * Whether any SLO had data. Runs from before attainment was recorded leave
 * the fields out; a set whose SLOs all lacked data measured none. Both read
 * "no data", never 0 %, which would claim every objective was missed.
 */
export function hasMeasured<T extends MeetingFigures>(
  figures: T,
): figures is T & Required<MeetingFigures> {
  return (
    figures.slosMeasured !== undefined &&
    figures.slosMeasured > 0 &&
    figures.slosMeeting !== undefined
  );
}

/** Computed from the counts, so the share and the counts beside it always agree. */
export function meetingShare(figures: MeetingFigures): number | null {
  return hasMeasured(figures)
    ? figures.slosMeeting / figures.slosMeasured
    : null;
}

/** `14 of 19 (74 %)`, or `no data`. */
export function meetingText(figures: MeetingFigures): string {
  const share = meetingShare(figures);
  return share === null
    ? 'no data'
    : `${figures.slosMeeting} of ${figures.slosMeasured} (${percent(share)})`;
}

/** How much of an entity's tightest budget is left, in words as well as colour. */
export type BudgetState = 'ok' | 'nearly exhausted' | 'exhausted';

export function budgetState(remainingPercent: number): BudgetState {
  if (remainingPercent <= 0) return 'exhausted';
  if (remainingPercent < BUDGET_NEARLY_EXHAUSTED_PERCENT)
    return 'nearly exhausted';
  return 'ok';
}

/** `-12.5 %`; the budget's state is shown beside it. */
export function budgetText(remainingPercent: number): string {
  return formatValue(remainingPercent, 'percent');
}

/** Column title, tied to the backend's threshold. */
export const LOW_BUDGETS_TITLE = `Budgets < ${BUDGET_NEARLY_EXHAUSTED_PERCENT} %`;
