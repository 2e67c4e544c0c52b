import { useId } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { ApplyHistoryResponse } from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';

/** The dialog has room for a handful; the backend keeps more. */
export const APPLY_HISTORY_SHOWN = 5;

type ApplyEntry = ApplyHistoryResponse['items'][number];

const reloadColor = {
  ok: 'success',
  failed: 'warning',
  skipped: 'default',
} as const;

const title: Record<ApplyEntry['outcome'], string> = {
  applied: 'Rules written',
  unchanged: 'Rules unchanged',
  refused: 'Apply refused',
  failed: 'Apply failed',
};

function Entry({ entry }: { entry: ApplyEntry }) {
  const stopped = entry.outcome === 'refused' || entry.outcome === 'failed';
  // A refused or failed attempt says why; a write says how the reload went.
  const detail = stopped ? entry.message : entry.reload.message;
  return (
    <ListItem
      disableGutters
      secondaryAction={
        <Chip
          size="small"
          variant="outlined"
          color={stopped ? 'error' : reloadColor[entry.reload.status]}
          label={stopped ? entry.outcome : `reload ${entry.reload.status}`}
        />
      }
    >
      <ListItemText
        primary={`${title[entry.outcome]}${
          entry.instance ? ` on “${entry.instance}”` : ''
        }`}
        secondary={
          <>
            by {entry.appliedBy} ·{' '}
            <time dateTime={entry.appliedAt}>
              {new Date(entry.appliedAt).toLocaleString()}
            </time>
            {detail ? ` · ${detail}` : ''}
          </>
        }
      />
    </ListItem>
  );
}

/**
 * The last apply attempts of the entity's rules (who, when, where, whether
 * they wrote, found the rules in place, were refused or failed, and why), so a second person sees what the first
 * already did before applying again. Fetched when shown and again whenever
 * `refreshKey` changes (after an apply from the dialog).
 */
export function ApplyHistory({
  entityRef,
  refreshKey,
}: {
  entityRef: CompoundEntityRef;
  refreshKey?: unknown;
}) {
  const api = useApi(observabilityApiRef);
  const headingId = useId();
  const { value, loading, error } = useAsync(
    () => api.getApplyHistory(entityRef),
    [api, entityRef.kind, entityRef.namespace, entityRef.name, refreshKey],
  );

  let body;
  if (loading) {
    body = <LinearProgress aria-label="Loading recent applies" />;
  } else if (error) {
    body = (
      <Alert severity="warning">
        Could not load recent applies: {error.message}
      </Alert>
    );
  } else if (!value || value.items.length === 0) {
    body = (
      <Typography variant="body2" color="text.secondary">
        These rules have not been applied from the portal yet.
      </Typography>
    );
  } else {
    body = (
      <List dense disablePadding aria-labelledby={headingId}>
        {value.items.slice(0, APPLY_HISTORY_SHOWN).map((entry, index) => (
          <Entry
            key={`${entry.appliedAt}-${entry.instance}-${index}`}
            entry={entry}
          />
        ))}
      </List>
    );
  }
  return (
    <Box component="section" aria-labelledby={headingId} sx={{ mt: 2 }}>
      <Typography variant="subtitle2" component="h3" id={headingId}>
        Recent applies
      </Typography>
      {body}
    </Box>
  );
}
