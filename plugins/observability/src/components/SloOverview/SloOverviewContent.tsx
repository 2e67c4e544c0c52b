import { InfoCard } from '@backstage/core-components';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import type {
  EntitySloResponse,
  SloSuggestion,
} from '@redline/backstage-plugin-observability-common';
import { BurnDownChart } from './BurnDownChart';
import { utcMinute } from './burnDown';
import { sloTitle } from './format';
import { NoSloState } from './NoSloState';
import { PrometheusStatusAlert } from './PrometheusStatusAlert';
import { RedNowTable } from './RedNowTable';
import { SloTable } from './SloTable';

/** @public */
export interface SloOverviewContentProps {
  response: EntitySloResponse;
  onPropose?: (suggestion: SloSuggestion) => void;
}

/**
 * Service health from an answer already fetched: SLO rows with RED beside
 * them, then one burn-down per SLO; or the no-SLO guidance.
 * @public
 */
export function SloOverviewContent({
  response,
  onPropose,
}: SloOverviewContentProps) {
  const { slos, red, suggestions, prometheus } = response;
  return (
    <InfoCard
      title="Service health"
      subheader={`SLOs and RED signals, evaluated ${utcMinute(
        response.evaluatedAt,
      )}`}
    >
      <PrometheusStatusAlert prometheus={prometheus} />
      {slos.length === 0 ? (
        <NoSloState red={red} suggestions={suggestions} onPropose={onPropose} />
      ) : (
        <Grid container spacing={3}>
          {/* The SLO table has the full width: seven figures squeezed beside
              the RED table broke their headers mid-word at 1440 px. */}
          <Grid item xs={12} sx={{ overflowX: 'auto' }}>
            <SloTable slos={slos} />
          </Grid>
          <Grid item xs={12} md={6}>
            <Typography variant="subtitle1" component="h3">
              RED now
            </Typography>
            <RedNowTable red={red} />
          </Grid>
          {slos.map(status => (
            <Grid
              item
              xs={12}
              md={6}
              key={`${status.slo}:${status.thresholdSeconds ?? ''}:${
                status.objectivePercent
              }`}
            >
              <Typography variant="subtitle1" component="h3">
                Error budget burn-down: {sloTitle(status)}
              </Typography>
              <BurnDownChart status={status} />
            </Grid>
          ))}
        </Grid>
      )}
    </InfoCard>
  );
}
