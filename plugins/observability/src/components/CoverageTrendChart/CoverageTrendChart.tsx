import { useTheme } from '@mui/material/styles';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { CoverageHistoryPoint } from '@redline/backstage-plugin-observability-common';
import { percent } from '../../lib/format';
import { linearScale } from '../../lib/chart';
import { ChartAxes } from '../ChartAxes';
import { useContainerWidth } from './useContainerWidth';

/** @public */
export interface CoverageTrendChartProps {
  points: CoverageHistoryPoint[];
  /** e.g. `payments` or `all teams`, for the accessible description. */
  scope: string;
  /** Fixed width; by default the chart fills its container. */
  width?: number;
  height?: number;
}

type SeriesKey =
  | 'meanConfidence'
  | 'withSlo'
  | 'withRunbooks'
  | 'withRulesDeployed';

const SERIES: Array<{
  key: SeriesKey;
  label: string;
  color: 'primary' | 'secondary' | 'success' | 'warning';
}> = [
  { key: 'meanConfidence', label: 'Mean confidence', color: 'primary' },
  { key: 'withSlo', label: 'With SLO', color: 'secondary' },
  { key: 'withRunbooks', label: 'With runbooks', color: 'success' },
  { key: 'withRulesDeployed', label: 'Rules deployed', color: 'warning' },
];

/**
 * Coverage over time as a small multi-line SVG chart. Hand-written on
 * purpose: no charting library is installed in this app, and four lines on a
 * fixed 0–100 % axis need only a scale function and a polyline each. Colours
 * come from the theme palette so light and dark themes both work.
 * @public
 */
export function CoverageTrendChart({
  points,
  scope,
  width: fixedWidth,
  height = 220,
}: CoverageTrendChartProps) {
  const theme = useTheme();
  const [container, measuredWidth] = useContainerWidth<HTMLDivElement>(560);
  const width = fixedWidth ?? measuredWidth;
  const sorted = [...points]
    .map(p => ({ ...p, t: Date.parse(p.evaluatedAt) }))
    .filter(p => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  // The measured box is rendered in every state, so the width is known by
  // the time enough history arrives.
  if (sorted.length < 2) {
    return (
      <Box ref={container}>
        <Typography color="text.secondary">
          Not enough history yet for a trend ({sorted.length} evaluation
          {sorted.length === 1 ? '' : 's'}).
        </Typography>
      </Box>
    );
  }
  const margin = { top: 10, right: 10, bottom: 24, left: 40 };
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const [t0, t1] = [sorted[0].t, sorted[sorted.length - 1].t];
  const x = linearScale([t0, t1], [margin.left, margin.left + innerW]);
  const toY = linearScale([0, 1], [margin.top + innerH, margin.top]);
  const y = (share: number) => toY(Math.min(1, Math.max(0, share)));
  const last = sorted[sorted.length - 1];
  const description = SERIES.map(
    s => `${s.label} ${percent(last[s.key])}`,
  ).join(', ');

  return (
    <Box ref={container}>
      <svg
        role="img"
        aria-label={`Coverage trend for ${scope}: latest ${description}`}
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        style={{ display: 'block', maxWidth: '100%' }}
      >
        <ChartAxes
          width={width}
          height={height}
          margin={margin}
          yTicks={[0, 0.5, 1].map(tick => ({
            value: tick,
            label: `${tick * 100}%`,
          }))}
          y={y}
          timeRange={[t0, t1]}
        />
        {SERIES.map(series => (
          <polyline
            key={series.key}
            data-series={series.key}
            fill="none"
            stroke={theme.palette[series.color].main}
            strokeWidth={2}
            points={sorted
              .map(p => `${x(p.t).toFixed(1)},${y(p[series.key]).toFixed(1)}`)
              .join(' ')}
          />
        ))}
      </svg>
      <Box
        component="ul"
        aria-label="Legend"
        sx={{
          display: 'flex',
          gap: 2,
          listStyle: 'none',
          p: 0,
          m: 0,
          flexWrap: 'wrap',
        }}
      >
        {SERIES.map(series => (
          <Box
            component="li"
            key={series.key}
            sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}
          >
            <Box
              sx={{ width: 12, height: 3, bgcolor: `${series.color}.main` }}
              aria-hidden
            />
            <Typography variant="caption">
              {series.label}: {percent(last[series.key])}
            </Typography>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
