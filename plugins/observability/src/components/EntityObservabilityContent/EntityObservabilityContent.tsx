import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  type CompoundEntityRef,
  getCompoundEntityRef,
} from '@backstage/catalog-model';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import type {
  EntityViewResponse,
  SloSuggestion,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { exampleAnnotations } from '../MissingMetadataGuide';
import { ScaffoldAlertsDialog } from '../ScaffoldAlertsDialog';
import { SloOverview } from '../SloOverview';
import { SetupSections, viewEntityRef } from './SetupSections';

export { isUndescribed } from './SetupSections';

function NoDesign({ name }: { name: string }) {
  return (
    <EmptyState
      missing="info"
      title="No observability design for this entity"
      description={
        <>
          <Typography paragraph>
            Redline could not derive RED targets for {name}. Describe the
            service with these annotations in its catalog-info.yaml:
          </Typography>
          <Typography
            component="pre"
            sx={{ fontFamily: 'monospace', whiteSpace: 'pre-wrap' }}
          >
            {exampleAnnotations(name)}
          </Typography>
        </>
      }
    />
  );
}

function Setup({
  name,
  state,
  entityRef,
  onScaffold,
}: {
  name: string;
  state: { value?: EntityViewResponse; loading: boolean; error?: Error };
  entityRef: CompoundEntityRef;
  onScaffold: () => void;
}) {
  const { value, loading, error } = state;
  let single;
  if (loading) single = <Progress />;
  else if (error) single = <ResponseErrorPanel error={error} />;
  else if (!value || value.redTargets.length === 0)
    single = <NoDesign name={name} />;
  if (single || !value) {
    return (
      <Grid item xs={12}>
        {single}
      </Grid>
    );
  }
  return (
    <SetupSections view={value} entityRef={entityRef} onScaffold={onScaffold} />
  );
}

/**
 * The Observability tab: service health first (SLOs, error budget, RED
 * now), then the design and its checks. The two load independently so a
 * slow Prometheus does not hold back the static design, and vice versa.
 * @public
 */
export function EntityObservabilityContent() {
  const { entity } = useEntity();
  const api = useApi(observabilityApiRef);
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const entityRef = useMemo(
    () => ({ kind, namespace, name }),
    [kind, namespace, name],
  );
  const view = useAsync(() => api.getEntityView(entityRef), [api, entityRef]);
  const [dialog, setDialog] = useState<{ suggestion?: SloSuggestion }>();
  // Stable identity: the dialog and runbook list refetch when it changes.
  const viewRef = useMemo(
    () => (view.value ? viewEntityRef(view.value) : entityRef),
    [view.value, entityRef],
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <SloOverview
          entityRef={entityRef}
          onPropose={
            view.value ? suggestion => setDialog({ suggestion }) : undefined
          }
        />
      </Grid>
      <Setup
        name={entity.metadata.name}
        state={view}
        entityRef={viewRef}
        onScaffold={() => setDialog({})}
      />
      {dialog && view.value && (
        <ScaffoldAlertsDialog
          open
          onClose={() => setDialog(undefined)}
          entityRef={viewRef}
          view={view.value}
          suggestion={dialog.suggestion}
        />
      )}
    </Grid>
  );
}
