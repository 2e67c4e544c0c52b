import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  ANNOTATIONS,
  type EntitySloResponse,
  type SloSuggestion,
} from '@redline/backstage-plugin-observability-common';
import { RedNowTable } from './RedNowTable';
import { SloSuggestionCard } from './SloSuggestionCard';

/** @public */
export interface NoSloStateProps {
  red: EntitySloResponse['red'];
  suggestions?: SloSuggestion[];
  onPropose?: (suggestion: SloSuggestion) => void;
}

/**
 * A service without SLOs: what its RED data says now and, when Redline has
 * enough history, an objective it already meets, ready to declare.
 * @public
 */
export function NoSloState({
  red,
  suggestions = [],
  onPropose,
}: NoSloStateProps) {
  return (
    <Stack spacing={2}>
      <Typography variant="body2">
        This service declares no SLO, so there is no error budget to track. Its
        RED signals now:
      </Typography>
      <RedNowTable red={red} />
      {suggestions.length > 0 ? (
        suggestions.map(suggestion => (
          <SloSuggestionCard
            key={`${suggestion.slo}:${suggestion.objectivePercent}`}
            suggestion={suggestion}
            onPropose={onPropose}
          />
        ))
      ) : (
        <Typography variant="body2" color="text.secondary">
          Redline has too little request history to propose an objective.
          Declare one with the <code>{ANNOTATIONS.sloAvailability}</code> or{' '}
          <code>{ANNOTATIONS.sloLatency}</code> annotation in the entity's{' '}
          <code>catalog-info.yaml</code>.
        </Typography>
      )}
    </Stack>
  );
}
