import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { EntityFacts } from '@redline/backstage-plugin-observability-common';

/** @public */
export interface LintFindingsListProps {
  /** Undefined when the live rules could not be read (no Prometheus, or it did not answer). */
  findings: EntityFacts['lintFindings'];
  /** Why the rules were not linted, shown instead of the list. */
  unknownReason?: string;
}

const order = { error: 0, warning: 1, info: 2 } as const;

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
  if (findings.length === 0) {
    return (
      <Typography color="text.secondary">
        The rules Prometheus has loaded for this service follow the alerting
        practices.
      </Typography>
    );
  }
  const sorted = [...findings].sort(
    (a, b) => order[a.severity] - order[b.severity],
  );
  return (
    <Stack
      spacing={1}
      component="ul"
      sx={{ listStyle: 'none', p: 0, m: 0 }}
      aria-label="Rule lint findings"
    >
      {sorted.map((finding, index) => (
        <li key={`${finding.ruleId}-${finding.location}-${index}`}>
          <Alert severity={finding.severity}>
            <AlertTitle>
              <code>{finding.ruleId}</code> — {finding.location}
            </AlertTitle>
            <Typography variant="body2">{finding.message}</Typography>
            {finding.fix && (
              <Typography variant="body2" sx={{ mt: 0.5 }}>
                Fix: {finding.fix}
              </Typography>
            )}
          </Alert>
        </li>
      ))}
    </Stack>
  );
}
