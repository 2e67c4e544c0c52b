import { useMemo, useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { configApiRef, useApi, useApiHolder } from '@backstage/core-plugin-api';
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
import { LinksOut } from './LinksOut';
import { LiveStatusBanner } from './LiveStatusBanner';
import { ProblemSections } from './ProblemSections';
import { SetupSections, viewEntityRef } from './SetupSections';
import { useLiveEntityView } from './useLiveEntityView';

/** How often live parts are read again when config does not say. */
export const DEFAULT_REFRESH_SECONDS = 30;
const MIN_REFRESH_SECONDS = 5;

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
 * The Observability tab: what is wrong first (Prometheus' state, firing
 * alerts, failing checks), then service health, then the design. The design
 * comes from a request that never waits on Prometheus, so a hung one holds
 * back only the live parts, which are read again every
 * `observability.tab.refreshSeconds` and when the window regains focus.
 * @public
 */
export function EntityObservabilityContent() {
  const { entity } = useEntity();
  const api = useApi(observabilityApiRef);
  const config = useApiHolder().get(configApiRef);
  // A floor, so a typo in config cannot turn the tab into a busy loop.
  const intervalSeconds = Math.max(
    MIN_REFRESH_SECONDS,
    config?.getOptionalNumber('observability.tab.refreshSeconds') ??
      DEFAULT_REFRESH_SECONDS,
  );
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const entityRef = useMemo(
    () => ({ kind, namespace, name }),
    [kind, namespace, name],
  );
  const live = useLiveEntityView(api, entityRef, intervalSeconds * 1000);
  const { view } = live;
  const [dialog, setDialog] = useState<{ suggestion?: SloSuggestion }>();
  // Stable identity: the dialog and runbook list refetch when it changes.
  const viewRef = useMemo(
    () => (view ? viewEntityRef(view) : entityRef),
    // Only the names matter, not each refreshed answer.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [view?.spec.kind, view?.spec.namespace, view?.spec.name, entityRef],
  );
  const described = view && view.redTargets.length > 0;

  return (
    <Grid container spacing={3}>
      {described && (
        <>
          <Grid item xs={12}>
            <LiveStatusBanner
              view={view}
              asOf={live.asOf}
              refreshing={live.refreshing}
              liveError={live.liveError}
              intervalSeconds={intervalSeconds}
            />
            <LinksOut view={view} />
          </Grid>
          <ProblemSections view={view} />
        </>
      )}
      <Grid item xs={12}>
        <SloOverview
          entityRef={entityRef}
          refreshKey={live.generation}
          onPropose={view ? suggestion => setDialog({ suggestion }) : undefined}
        />
      </Grid>
      <Setup
        name={entity.metadata.name}
        state={{
          value: view,
          loading: !view && !live.error,
          error: live.error,
        }}
        entityRef={viewRef}
        onScaffold={() => setDialog({})}
      />
      {dialog && view && (
        <ScaffoldAlertsDialog
          open
          onClose={() => setDialog(undefined)}
          entityRef={viewRef}
          view={view}
          suggestion={dialog.suggestion}
        />
      )}
    </Grid>
  );
}
