import { CodeSnippet } from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import type { SloSuggestion } from '@redline/backstage-plugin-observability-common';
import { annotationsYaml, sloTitle } from '../SloOverview';

/**
 * The proposed SLO on top of the dialog: the files below are generated from
 * the current annotations, so the SLO's own rules only appear once these
 * lines are in `catalog-info.yaml`.
 */
export function SloProposal({ suggestion }: { suggestion: SloSuggestion }) {
  return (
    <Alert
      severity="info"
      sx={{ mb: 2, '& .MuiAlert-message': { minWidth: 0, flex: 1 } }}
      aria-label="Proposed SLO"
    >
      <AlertTitle>
        Proposed SLO: {sloTitle(suggestion)} {suggestion.objectivePercent} %
      </AlertTitle>
      Add these lines to the entity's <code>catalog-info.yaml</code> (by hand or
      in the pull request); the SLO's recording rules and burn-rate alerts are
      generated once it is declared.
      <CodeSnippet
        text={annotationsYaml(suggestion.annotations)}
        language="yaml"
        showCopyCodeButton
      />
    </Alert>
  );
}
