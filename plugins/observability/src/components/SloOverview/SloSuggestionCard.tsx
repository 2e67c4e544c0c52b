import { CodeSnippet } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { SloSuggestion } from '@redline/backstage-plugin-observability-common';
import {
  annotationsYaml,
  formatObjective,
  formatPercent,
  sloTitle,
} from './format';

/** @public */
export interface SloSuggestionCardProps {
  suggestion: SloSuggestion;
  /** Opens the Scaffold alerts dialog; absent while it cannot open (the entity view is not loaded). */
  onPropose?: (suggestion: SloSuggestion) => void;
}

/**
 * An SLO proposed from what the service already achieves, with the data it
 * came from, so the objective is a measured one rather than a guess.
 * @public
 */
export function SloSuggestionCard({
  suggestion,
  onPropose,
}: SloSuggestionCardProps) {
  const name = sloTitle(suggestion);
  return (
    <Paper
      variant="outlined"
      component="section"
      aria-label={`Proposed SLO: ${name}`}
      sx={{ p: 2 }}
    >
      <Typography variant="subtitle1" component="h3">
        Proposed: {name} {formatObjective(suggestion.objectivePercent)}
      </Typography>
      <Typography variant="body2" paragraph>
        Achieved {formatPercent(suggestion.achievedPercent, 2)} over{' '}
        {suggestion.basedOn}. Add these annotations to the entity's{' '}
        <code>catalog-info.yaml</code>:
      </Typography>
      <Box sx={{ maxWidth: 720 }}>
        <CodeSnippet
          text={annotationsYaml(suggestion.annotations)}
          language="yaml"
          showCopyCodeButton
        />
      </Box>
      {onPropose && (
        <Button
          sx={{ mt: 1 }}
          variant="outlined"
          aria-haspopup="dialog"
          onClick={() => onPropose(suggestion)}
        >
          Propose this SLO
        </Button>
      )}
    </Paper>
  );
}
