import { useTheme } from '@mui/material/styles';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { SloStatus } from '@redline/backstage-plugin-observability-common';
import { linearScale } from '../../lib/chart';
import { ChartAxes } from '../ChartAxes';
import { budgetSegments, firingLabel, segmentsPath } from './burnDown';
import { formatPercent, sloTitle } from './format';

/** @public */
export interface BurnDownChartProps {
  status: SloStatus;
  width?: number;
  height?: number;
}

const MARGIN = { top: 10, right: 10, bottom: 24, left: 44 };

/**
 * Remaining error budget across the SLO's window, with the 0 % line and the
 * moments its alerts fired. Hand-written SVG like the coverage trend (no
 * charting library is installed); gaps in the data stay gaps.
 * @public
 */
export function BurnDownChart({
  status,
  width = 560,
  height = 200,
}: BurnDownChartProps) {
  const theme = useTheme();
  const name = sloTitle(status);
  const { segments, gaps } = budgetSegments(status.burnDown);
  const values = segments.flat();
  if (values.length === 0) {
    return (
      <Typography color="text.secondary">
        No burn-down for {name}: there is no data in this window yet
        {status.reason ? ` (${status.reason})` : ''}.
      </Typography>
    );
  }

  const times = values.map(p => p.t);
  const start = Date.parse(status.windowStart);
  const end = Date.parse(status.windowEnd);
  const t0 = Number.isFinite(start) ? start : Math.min(...times);
  const t1 = Number.isFinite(end) && end > t0 ? end : Math.max(...times);
  const lowest = Math.min(...values.map(p => p.v));
  const yMin = Math.min(0, Math.floor(lowest / 10) * 10);
  const yMax = Math.max(100, ...values.map(p => p.v));
  const x = linearScale([t0, t1], [MARGIN.left, width - MARGIN.right]);
  const y = linearScale([yMin, yMax], [height - MARGIN.bottom, MARGIN.top]);
  const ticks = [100, 50, 0, ...(yMin < 0 ? [yMin] : [])];
  const latest = values[values.length - 1];
  const firings = status.firings.filter(f =>
    Number.isFinite(Date.parse(f.startsAt)),
  );
  const clampX = (iso: string) =>
    x(Math.min(t1, Math.max(t0, Date.parse(iso))));

  const summary = [
    `Error budget burn-down for ${name} over ${
      status.windowLabel
    }: ${formatPercent(
      latest.v,
    )} remaining at the latest point, lowest ${formatPercent(lowest)}`,
    gaps > 0 ? `${gaps} gap${gaps === 1 ? '' : 's'} in the data` : '',
    `${firings.length} alert${firings.length === 1 ? '' : 's'} fired`,
  ]
    .filter(Boolean)
    .join('; ');

  return (
    <Box>
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: width }}
      >
        <title>{summary}</title>
        <desc>
          {firings.length > 0
            ? firings.map(firingLabel).join('. ')
            : 'No alert of this SLO fired in the window.'}
        </desc>
        <ChartAxes
          width={width}
          height={height}
          margin={MARGIN}
          yTicks={ticks.map(value => ({ value, label: `${value}%` }))}
          y={y}
          timeRange={[t0, t1]}
        />
        <line
          data-testid="budget-zero-line"
          x1={MARGIN.left}
          x2={width - MARGIN.right}
          y1={y(0)}
          y2={y(0)}
          stroke={theme.palette.error.main}
          strokeDasharray="4 3"
        />
        {firings.map(firing => (
          <g
            key={`${firing.alert}@${firing.startsAt}`}
            data-testid="firing-marker"
            aria-label={firingLabel(firing)}
          >
            <title>{firingLabel(firing)}</title>
            {firing.endsAt && (
              <rect
                x={clampX(firing.startsAt)}
                y={MARGIN.top}
                width={Math.max(
                  1,
                  clampX(firing.endsAt) - clampX(firing.startsAt),
                )}
                height={height - MARGIN.top - MARGIN.bottom}
                fill={theme.palette.warning.main}
                opacity={0.15}
              />
            )}
            <line
              x1={clampX(firing.startsAt)}
              x2={clampX(firing.startsAt)}
              y1={MARGIN.top}
              y2={height - MARGIN.bottom}
              stroke={
                firing.severity === 'page'
                  ? theme.palette.error.main
                  : theme.palette.warning.main
              }
              strokeWidth={2}
            />
          </g>
        ))}
        <path
          data-series="remaining"
          d={segmentsPath(segments, x, y)}
          fill="none"
          stroke={theme.palette.primary.main}
          strokeWidth={2}
        />
        {/* A lone point between two gaps has no line to show it. */}
        {segments
          .filter(segment => segment.length === 1)
          .map(([p]) => (
            <circle
              key={p.t}
              cx={x(p.t)}
              cy={y(p.v)}
              r={2.5}
              fill={theme.palette.primary.main}
            />
          ))}
      </svg>
      {firings.length > 0 && (
        <Box
          component="ul"
          aria-label={`Alerts fired for ${name}`}
          sx={{ listStyle: 'none', p: 0, m: 0 }}
        >
          {firings.map(firing => (
            <Typography
              component="li"
              variant="caption"
              display="block"
              key={`${firing.alert}@${firing.startsAt}`}
            >
              {firingLabel(firing)}
            </Typography>
          ))}
        </Box>
      )}
    </Box>
  );
}
