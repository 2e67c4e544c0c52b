import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { BacktestAlertResult } from '@redline/backstage-plugin-observability-common';
import { Sparkline } from '../Sparkline';
import { actualSummary, backtestSummary } from './backtestSummary';

/** @public */
export interface BacktestAlertRowProps {
  alert: BacktestAlertResult;
  days: number;
}

/**
 * One alert's backtest: the sentence, a sparkline of when it fired and
 * what Prometheus recorded. Exported on its own so a dialog listing alerts
 * can place it next to each of them.
 * @public
 */
export function BacktestAlertRow({ alert, days }: BacktestAlertRowProps) {
  const actual = actualSummary(alert);
  const when = alert.episodes
    .slice(0, 3)
    .map(e =>
      new Date(e.start * 1000).toISOString().slice(0, 16).replace('T', ' '),
    )
    .join(', ');
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, py: 0.5 }}>
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Typography variant="body2">
          <strong>{alert.key}</strong> {backtestSummary(alert, days)}
        </Typography>
        {(when || actual) && (
          <Typography variant="caption" color="text.secondary">
            {when &&
              `From ${when} UTC${alert.episodes.length > 3 ? ', …' : ''}`}
            {when && actual ? ' · ' : ''}
            {actual}
          </Typography>
        )}
      </Box>
      {alert.fired > 0 && (
        <Sparkline
          points={alert.sparkline}
          label={`When ${alert.key} would have fired over ${days} days`}
          width={120}
        />
      )}
    </Box>
  );
}
