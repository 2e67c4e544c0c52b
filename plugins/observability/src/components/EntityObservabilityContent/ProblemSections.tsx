import { InfoCard } from '@backstage/core-components';
import Grid from '@mui/material/Grid';
import type { EntityViewResponse } from '@redline/backstage-plugin-observability-common';
import { ChecksTable } from '../ChecksTable';
import { FiringAlerts, firingAlertsTitle } from '../FiringAlerts';

/** Why a static view's alert list may be incomplete. */
const WAITING_FOR_PROMETHEUS =
  'waiting for Prometheus (only Alertmanager was asked so far).';

/**
 * What is wrong, at the top of the tab: firing alerts, then the checks that
 * do not pass. Grid items, so they share the tab's grid.
 */
export function ProblemSections({ view }: { view: EntityViewResponse }) {
  const { firing } = view;
  let unknownReason: string | undefined;
  if (firing.status === 'unknown')
    unknownReason =
      view.parts === 'static' ? WAITING_FOR_PROMETHEUS : firing.reason;
  return (
    <>
      <Grid item xs={12}>
        <InfoCard title={firingAlertsTitle(firing.alerts)}>
          <FiringAlerts
            alerts={firing.alerts}
            unknownReason={unknownReason}
            alertmanagerUrl={view.links?.alertmanagerUrl}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <ChecksTable checks={view.checks} />
      </Grid>
    </>
  );
}
