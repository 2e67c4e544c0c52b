import Box from '@mui/material/Box';
import type {
  CoverageEntityRow,
  SloAttainmentSummary,
} from '@redline/backstage-plugin-observability-common';
import {
  budgetState,
  budgetText,
  hasMeasured,
  meetingText,
} from '../../lib/sloAttainment';

const NoData = () => (
  <Box component="span" sx={{ color: 'text.secondary' }}>
    no data
  </Box>
);

/** `14 of 19 (74 %)`, or a muted `no data`. */
export function MeetingShare({ figures }: { figures: SloAttainmentSummary }) {
  return hasMeasured(figures) ? <>{meetingText(figures)}</> : <NoData />;
}

/**
 * Budgets under the threshold: nearly exhausted plus exhausted, with the
 * exhausted ones named in words too, so the colour is never the only cue.
 */
export function LowBudgets({ figures }: { figures: SloAttainmentSummary }) {
  if (!hasMeasured(figures)) return <NoData />;
  const exhausted = figures.budgetsExhausted ?? 0;
  const low = (figures.budgetsNearlyExhausted ?? 0) + exhausted;
  return (
    <>
      {low}
      {exhausted > 0 && (
        <Box component="strong" sx={{ color: 'error.main' }}>
          {' '}
          ({exhausted} exhausted)
        </Box>
      )}
    </>
  );
}

/** An entity's tightest budget: `—` without SLOs or from a run that did not measure them. */
export function LowestBudget({ row }: { row: CoverageEntityRow }) {
  if (!row.slos || row.lowestBudgetPercent === undefined) return <>—</>;
  if (row.lowestBudgetPercent === null) return <NoData />;
  const state = budgetState(row.lowestBudgetPercent);
  const text = budgetText(row.lowestBudgetPercent);
  if (state === 'ok') return <>{text}</>;
  return (
    <Box
      component={state === 'exhausted' ? 'strong' : 'span'}
      sx={{ color: state === 'exhausted' ? 'error.main' : 'warning.dark' }}
    >
      {text} ({state})
    </Box>
  );
}
