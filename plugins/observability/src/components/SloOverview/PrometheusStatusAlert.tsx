import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import type { EntitySloResponse } from '@redline/backstage-plugin-observability-common';

/**
 * Why every number may read "no data": Prometheus is down or not set up.
 * Says what to do, since the tab cannot fix either itself.
 * @public
 */
export function PrometheusStatusAlert({
  prometheus,
}: {
  prometheus: EntitySloResponse['prometheus'];
}) {
  if (prometheus.status === 'unreachable') {
    return (
      <Alert severity="warning" sx={{ mb: 2 }}>
        <AlertTitle>Prometheus could not be reached</AlertTitle>
        {prometheus.error ? `${prometheus.error}. ` : ''}
        SLO and RED numbers stay unknown until it answers: check that the
        instance under <code>observability.prometheus.instances</code> is up and
        reachable from the Backstage backend, then reload.
      </Alert>
    );
  }
  if (prometheus.status === 'not-configured') {
    return (
      <Alert severity="info" sx={{ mb: 2 }}>
        <AlertTitle>No Prometheus is configured</AlertTitle>
        Redline needs one to measure SLOs and RED signals. Add an instance under{' '}
        <code>observability.prometheus.instances</code> in{' '}
        <code>app-config.yaml</code> (or pick one with the{' '}
        <code>redline.dev/prometheus-instance</code> annotation).
      </Alert>
    );
  }
  return null;
}
