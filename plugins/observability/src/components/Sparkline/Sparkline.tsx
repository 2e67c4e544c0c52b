import Box from '@mui/material/Box';

/** @public */
export interface SparklineProps {
  /** `[unix seconds, value]` samples, oldest first. */
  points: Array<[number, number]>;
  /** Accessible description, e.g. `Error ratio trend`. */
  label: string;
  width?: number;
  height?: number;
}

/**
 * A tiny trend line. Hand-written SVG because no charting library is
 * installed and a polyline is all a sparkline needs. The stroke is
 * `currentColor` bound to the theme's primary colour, so it follows light and
 * dark themes.
 * @public
 */
export function Sparkline({
  points,
  label,
  width = 80,
  height = 20,
}: SparklineProps) {
  const finite = points.filter(
    ([t, v]) => Number.isFinite(t) && Number.isFinite(v),
  );
  if (finite.length < 2) return null;
  const xs = finite.map(p => p[0]);
  const ys = finite.map(p => p[1]);
  const [minX, maxX] = [Math.min(...xs), Math.max(...xs)];
  const [minY, maxY] = [Math.min(...ys), Math.max(...ys)];
  const pad = 2;
  const scaleX = (x: number) =>
    pad + ((x - minX) / (maxX - minX || 1)) * (width - 2 * pad);
  // A flat series sits in the middle instead of hugging an edge.
  const scaleY = (y: number) =>
    maxY === minY
      ? height / 2
      : height - pad - ((y - minY) / (maxY - minY)) * (height - 2 * pad);
  const path = finite
    .map(([x, y]) => `${scaleX(x).toFixed(1)},${scaleY(y).toFixed(1)}`)
    .join(' ');
  return (
    <Box
      component="svg"
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      sx={{ color: 'primary.main', verticalAlign: 'middle' }}
    >
      <title>{label}</title>
      <polyline
        points={path}
        fill="none"
        stroke="currentColor"
        strokeWidth={1.5}
      />
    </Box>
  );
}
