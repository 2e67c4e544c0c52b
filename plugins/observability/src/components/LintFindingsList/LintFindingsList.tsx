import AlertTitle from '@mui/material/AlertTitle';
import Typography from '@mui/material/Typography';
import type { EntityFacts } from '@redline/backstage-plugin-observability-common';
import { WorstFirstAlertList } from '../WorstFirstAlertList';

/** @public */
export interface LintFindingsListProps {
  /** Undefined when the live rules could not be read (no Prometheus, or it did not answer). */
  findings: EntityFacts['lintFindings'];
  /** Why the rules were not linted, shown instead of the list. */
  unknownReason?: string;
}

/**
 * Findings of the rule linter on the rules Prometheus has loaded for this
 * service — hand-written ones included — held to the seed's alerting
 * practices (symptoms not causes, runbook links, `for`, safe PromQL).
 * @public
 */
export function LintFindingsList({
  findings,
  unknownReason,
}: LintFindingsListProps) {
  if (!findings) {
    return (
      <Typography color="text.secondary">
        The live rules were not linted
        {unknownReason ? `: ${unknownReason}` : '.'}
      </Typography>
    );
  }
  return (
    <WorstFirstAlertList
      label="Rule lint findings"
      items={findings}
      emptyText="The rules Prometheus has loaded for this service follow the alerting practices."
      itemKey={(finding, index) =>
        `${finding.ruleId}-${finding.location}-${index}`
      }
    >
      {finding => (
        <>
          <AlertTitle>
            <code>{finding.ruleId}</code> — {finding.location}
          </AlertTitle>
          <Typography variant="body2">{finding.message}</Typography>
          {finding.fix && (
            <Typography variant="body2" sx={{ mt: 0.5 }}>
              Fix: {finding.fix}
            </Typography>
          )}
        </>
      )}
    </WorstFirstAlertList>
  );
}
