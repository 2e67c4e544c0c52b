import type { TeamCoverageSummary } from '@redline/backstage-plugin-observability-common';
import { meetingShare } from '../../lib/sloAttainment';

/** The columns of the Teams table a reader can sort by. */
export type TeamSortKey =
  | 'team'
  | 'services'
  | 'withSlo'
  | 'withRunbooks'
  | 'withRulesDeployed'
  | 'meanConfidence'
  | 'sloMeeting'
  | 'lowBudgets';

const lowBudgets = (row: TeamCoverageSummary) =>
  (row.budgetsNearlyExhausted ?? 0) + (row.budgetsExhausted ?? 0);

const COMPARE: Record<
  TeamSortKey,
  (a: TeamCoverageSummary, b: TeamCoverageSummary) => number
> = {
  team: (a, b) => a.team.localeCompare(b.team),
  services: (a, b) => a.services - b.services,
  withSlo: (a, b) => a.withSlo - b.withSlo,
  withRunbooks: (a, b) => a.withRunbooks - b.withRunbooks,
  withRulesDeployed: (a, b) => a.withRulesDeployed - b.withRulesDeployed,
  meanConfidence: (a, b) => a.meanConfidence - b.meanConfidence,
  // Teams without data sort below every measured share, even 0 %.
  sloMeeting: (a, b) => (meetingShare(a) ?? -1) - (meetingShare(b) ?? -1),
  lowBudgets: (a, b) =>
    (a.budgetsExhausted ?? 0) - (b.budgetsExhausted ?? 0) ||
    lowBudgets(a) - lowBudgets(b),
};

/** The teams in the asked order; ties keep the team name order so rows never jump. */
export function sortTeams(
  teams: TeamCoverageSummary[],
  key: TeamSortKey,
  order: 'asc' | 'desc',
): TeamCoverageSummary[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...teams].sort(
    (a, b) => sign * COMPARE[key](a, b) || a.team.localeCompare(b.team),
  );
}
