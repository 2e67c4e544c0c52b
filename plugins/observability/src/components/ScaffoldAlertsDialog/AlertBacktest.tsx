import { useEffect, useId, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import {
  CodeSnippet,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import {
  annotationSnippet,
  thresholdAnnotations,
  type BacktestThresholdParam,
  type BacktestThresholds,
  type RedTarget,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { BacktestAlertRow } from '../Backtest';
import {
  changedAlerts,
  changedThresholds,
  noSeriesYet,
  tallyText,
  tunableThresholds,
} from '../Backtest/thresholdTuning';

/** Typing "2.5" must not send "2" then "2." then "2.5": one backtest per pause. */
export const TUNING_DEBOUNCE_MS = 600;

/** @internal */
export interface AlertBacktestProps {
  entityRef: CompoundEntityRef;
  /** The entity's RED targets, whose thresholds can be tuned. */
  redTargets: readonly RedTarget[];
  /**
   * The annotations of the thresholds chosen, once their backtest ran; `{}`
   * while none is changed or the backend refused one.
   */
  onChosen: (annotations: Record<string, string>) => void;
}

/**
 * Before Apply: how often each generated alert would have fired over the
 * last 7 days (and what `ALERTS` says the deployed one did), with fields to
 * tune the RED thresholds; a change re-runs the backtest with the new value
 * and shows each alert before → after. Its requests never hold back the
 * rest of the dialog.
 * @internal
 */
export function AlertBacktest({
  entityRef,
  redTargets,
  onChosen,
}: AlertBacktestProps) {
  const api = useApi(observabilityApiRef);
  const titleId = useId();
  const { kind, namespace, name } = entityRef;
  const tunable = useMemo(() => tunableThresholds(redTargets), [redTargets]);
  const [inputs, setInputs] = useState<
    Partial<Record<BacktestThresholdParam, string>>
  >(() => Object.fromEntries(tunable.map(t => [t.param, t.current])));
  const [overrides, setOverrides] = useState<BacktestThresholds>({});
  useDebounce(
    () => setOverrides(changedThresholds(tunable, inputs)),
    TUNING_DEBOUNCE_MS,
    [tunable, inputs],
  );
  const overridesKey = JSON.stringify(overrides);
  const tuning = Object.keys(overrides).length > 0;

  const before = useAsync(
    () => api.getEntityBacktest({ kind, namespace, name }),
    [api, kind, namespace, name],
  );
  const after = useAsync(
    async () =>
      tuning
        ? api.getEntityBacktest(
            { kind, namespace, name },
            { thresholds: overrides },
          )
        : undefined,
    // overridesKey stands for overrides, a new object on every debounce.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, kind, namespace, name, overridesKey],
  );
  const chosen = useMemo(
    () => (after.value ? thresholdAnnotations(overrides) : {}),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [after.value, overridesKey],
  );
  useEffect(() => onChosen(chosen), [chosen, onChosen]);

  const report = before.value;
  const diff =
    report && after.value ? changedAlerts(report, after.value) : undefined;

  return (
    <Box component="section" aria-labelledby={titleId} mt={2}>
      <Typography variant="subtitle1" component="h3" id={titleId}>
        Backtest: the last 7 days
      </Typography>
      {tunable.length > 0 && (
        <Stack direction="row" spacing={2} sx={{ my: 1 }}>
          {tunable.map(t => (
            <TextField
              key={t.param}
              size="small"
              label={t.label}
              value={inputs[t.param] ?? ''}
              onChange={e =>
                setInputs(current => ({
                  ...current,
                  [t.param]: e.target.value,
                }))
              }
              helperText={`In the catalog: ${t.current}`}
              inputProps={{ inputMode: 'decimal' }}
            />
          ))}
        </Stack>
      )}
      {after.loading && <Progress />}
      {after.error && (
        <ResponseErrorPanel
          error={after.error}
          title="The tuned thresholds could not be backtested"
        />
      )}
      {before.loading && <Progress />}
      {before.error && (
        <ResponseErrorPanel
          error={before.error}
          title="The backtest could not be run"
        />
      )}
      {report && noSeriesYet(report) && (
        <Alert severity="info" sx={{ my: 1 }}>
          The series these alerts read do not exist yet in the last{' '}
          {report.days} days: there is no history to backtest them against.
        </Alert>
      )}
      {report && report.alerts.length === 0 && (
        <Typography color="text.secondary">
          This entity has no generated alerts to backtest.
        </Typography>
      )}
      {report?.alerts.map(alert => {
        const change = diff?.get(alert.key);
        return (
          <Box key={alert.key}>
            <BacktestAlertRow
              alert={change?.after ?? alert}
              days={report.days}
            />
            {change && (
              <Typography
                variant="caption"
                component="p"
                aria-label={`${alert.key} before and after`}
              >
                Before → after: {tallyText(change.before)} →{' '}
                {tallyText(change.after)}
              </Typography>
            )}
          </Box>
        );
      })}
      {report?.actualError && (
        <Typography variant="caption" color="text.secondary">
          What Prometheus recorded could not be read: {report.actualError}
        </Typography>
      )}
      {Object.keys(chosen).length > 0 && (
        <Box mt={1} aria-label="Threshold annotations" role="region">
          <Typography variant="body2">
            Add these lines to the entity's <code>catalog-info.yaml</code>; the
            pull request carries them and generates its files with them.
          </Typography>
          <CodeSnippet
            text={annotationSnippet(chosen)}
            language="yaml"
            showCopyCodeButton
          />
        </Box>
      )}
    </Box>
  );
}
