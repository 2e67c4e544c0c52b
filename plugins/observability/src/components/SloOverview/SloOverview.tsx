import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import Typography from '@mui/material/Typography';
import type { SloSuggestion } from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { SloOverviewContent } from './SloOverviewContent';

/** @public */
export interface SloOverviewProps {
  entityRef: CompoundEntityRef;
  /** "Propose this SLO"; the button is hidden without it. */
  onPropose?: (suggestion: SloSuggestion) => void;
  /** Fetches again whenever it changes; what is shown stays until the answer. */
  refreshKey?: number;
}

/**
 * What the Observability tab opens on: is the service meeting its SLOs, how
 * much error budget is left and how fast it burns. Fetches on its own so a
 * slow Prometheus does not hold back the rest of the tab, and vice versa.
 * @public
 */
export function SloOverview({
  entityRef,
  onPropose,
  refreshKey,
}: SloOverviewProps) {
  const api = useApi(observabilityApiRef);
  const { kind, namespace, name } = entityRef;
  const { value, loading, error } = useAsync(
    () => api.getEntitySlos({ kind, namespace, name }),
    [api, kind, namespace, name, refreshKey],
  );

  if (loading && !value) {
    return (
      <InfoCard title="Service health">
        <Progress />
      </InfoCard>
    );
  }
  if (error || !value) {
    return (
      <InfoCard title="Service health">
        <ResponseErrorPanel
          error={error ?? new Error('The backend sent no SLO answer.')}
          title="Service health could not be loaded"
        />
        <Typography variant="body2" sx={{ mt: 1 }}>
          The setup sections below do not depend on it. It is asked again with
          the tab's live parts; if it keeps failing, the observability backend's
          logs say why.
        </Typography>
      </InfoCard>
    );
  }
  return <SloOverviewContent response={value} onPropose={onPropose} />;
}
