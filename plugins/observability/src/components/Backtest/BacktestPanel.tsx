import useAsync from 'react-use/esm/useAsync';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import Typography from '@mui/material/Typography';
import { observabilityApiRef } from '../../api';
import { BacktestAlertRow } from './BacktestAlertRow';

/** @public */
export interface BacktestPanelProps {
  entityRef: CompoundEntityRef;
  /** Window in days (default 7, at most 30). */
  days?: number;
  /** A configured Prometheus instance; default: the one the entity names. */
  instance?: string;
  /** Show only these alert keys (e.g. the ones a dialog is about to apply). */
  alertKeys?: string[];
  /** Fetches again whenever it changes. */
  refreshKey?: number;
}

/**
 * "Would have fired 3× in 7 days, 41 min in all": each generated alert of
 * the entity backtested over real history, with when it fired and what
 * Prometheus' `ALERTS` recorded for the deployed alert. Its own request, so
 * days of range queries never hold back the view.
 * @public
 */
export function BacktestPanel({
  entityRef,
  days = 7,
  instance,
  alertKeys,
  refreshKey,
}: BacktestPanelProps) {
  const api = useApi(observabilityApiRef);
  const { kind, namespace, name } = entityRef;
  const { value, loading, error } = useAsync(
    () => api.getEntityBacktest({ kind, namespace, name }, { days, instance }),
    [api, kind, namespace, name, days, instance, refreshKey],
  );
  const title = `Backtest: the last ${days} days`;

  if (loading && !value)
    return (
      <InfoCard title={title}>
        <Progress />
      </InfoCard>
    );
  if (error || !value)
    return (
      <InfoCard title={title}>
        <ResponseErrorPanel
          error={error ?? new Error('The backend sent no backtest.')}
          title="The backtest could not be run"
        />
      </InfoCard>
    );
  const alerts = alertKeys
    ? value.alerts.filter(a => alertKeys.includes(a.key))
    : value.alerts;
  if (alerts.length === 0)
    return (
      <InfoCard title={title}>
        <EmptyState
          missing="data"
          title="No alerts to backtest"
          description="This entity has no generated alerts (or none of those asked for)."
        />
      </InfoCard>
    );
  return (
    <InfoCard
      title={title}
      subheader={`Evaluated every ${
        value.stepSeconds / 60
      } min with each alert's own "for", in ${
        value.queries
      } Prometheus queries.`}
    >
      {alerts.map(alert => (
        <BacktestAlertRow key={alert.key} alert={alert} days={value.days} />
      ))}
      {value.actualError && (
        <Typography variant="caption" color="text.secondary">
          What Prometheus recorded could not be read: {value.actualError}
        </Typography>
      )}
    </InfoCard>
  );
}
