import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { topCheck } from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { percent } from '../../lib/format';
import { CheckStatusLabel } from '../ChecksTable';
import { ConfidenceGauge } from '../ConfidenceSummary';

/**
 * Overview card: the confidence score and the most important failing check,
 * with a link to the Observability tab; for what serves no requests, what it
 * is instead of a score.
 * @public
 */
export function EntityObservabilityCard() {
  const { entity } = useEntity();
  const api = useApi(observabilityApiRef);
  const entityRoute = useRouteRef(entityRouteRef);
  const ref = getCompoundEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.getEntityView(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );
  const tab = `${entityRoute(entityRouteParams(entity))}/observability`;

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else if (!value || value.checks.length === 0) {
    body = (
      <Typography color="text.secondary">
        No observability checks have been evaluated for this entity yet.
      </Typography>
    );
  } else if (!value.spec.servesRequests) {
    // A library or static website has no design to be confident in: say
    // what it is rather than score it.
    body = (
      <Typography variant="body2">
        {value.spec.componentType ?? value.spec.kind} — no RED targets: Redline
        generates RED targets, SLOs and alerts only for what serves requests.
      </Typography>
    );
  } else {
    const top = topCheck(value.checks);
    body = (
      <Box sx={{ display: 'flex', gap: 2, alignItems: 'center' }}>
        <ConfidenceGauge score={value.confidence.score} />
        <Box sx={{ minWidth: 0 }}>
          <Typography variant="subtitle2">
            Confidence {percent(value.confidence.score)}
          </Typography>
          {top ? (
            <>
              <CheckStatusLabel status={top.status} />
              <Typography variant="body2" component="span">
                {' '}
                {top.title}: {top.message}
              </Typography>
            </>
          ) : (
            <Typography variant="body2">All checks pass.</Typography>
          )}
        </Box>
      </Box>
    );
  }
  return (
    <InfoCard
      title="Observability"
      deepLink={{ title: 'Open the Observability tab', link: tab }}
    >
      {body}
    </InfoCard>
  );
}
