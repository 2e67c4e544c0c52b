import { useTheme } from '@mui/material/styles';
import { type ChartMargin, utcDay } from '../../lib/chart';

/** @public */
export interface ChartAxesProps {
  width: number;
  height: number;
  margin: ChartMargin;
  /** Horizontal grid lines, labelled at the left. */
  yTicks: Array<{ value: number; label: string }>;
  y: (value: number) => number;
  /** First and last time on the x axis, labelled as UTC days. */
  timeRange: [number, number];
}

/**
 * Grid lines and end labels shared by the plugin's hand-written time charts,
 * so they look alike and follow the theme's divider and text colours.
 * @public
 */
export function ChartAxes({
  width,
  height,
  margin,
  yTicks,
  y,
  timeRange: [t0, t1],
}: ChartAxesProps) {
  const theme = useTheme();
  return (
    <g aria-hidden>
      {yTicks.map(tick => (
        <g key={tick.value}>
          <line
            x1={margin.left}
            x2={width - margin.right}
            y1={y(tick.value)}
            y2={y(tick.value)}
            stroke={theme.palette.divider}
          />
          <text
            x={margin.left - 6}
            y={y(tick.value) + 4}
            textAnchor="end"
            fontSize={10}
            fill={theme.palette.text.secondary}
          >
            {tick.label}
          </text>
        </g>
      ))}
      <text
        x={margin.left}
        y={height - 6}
        fontSize={10}
        fill={theme.palette.text.secondary}
      >
        {utcDay(t0)}
      </text>
      <text
        x={width - margin.right}
        y={height - 6}
        fontSize={10}
        textAnchor="end"
        fill={theme.palette.text.secondary}
      >
        {utcDay(t1)}
      </text>
    </g>
  );
}
