import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import CheckCircleOutline from '@mui/icons-material/CheckCircleOutline';
import HighlightOff from '@mui/icons-material/HighlightOff';
import type { ConfidenceScore } from '@redline/backstage-plugin-observability-common';
import { percent } from '../../lib/format';

/** Score colour band; uses palette names so both themes apply their own shades. */
export function scoreColor(score: number): 'success' | 'warning' | 'error' {
  if (score >= 0.8) return 'success';
  if (score >= 0.5) return 'warning';
  return 'error';
}

/** A round gauge with the score as a percentage. @public */
export function ConfidenceGauge({
  score,
  size = 64,
}: {
  score: number;
  size?: number;
}) {
  return (
    <Box sx={{ position: 'relative', display: 'inline-flex' }}>
      {/* The full-circle track, so a low score still reads as "10 of 100". */}
      <CircularProgress
        variant="determinate"
        value={100}
        size={size}
        thickness={5}
        sx={{ color: 'action.disabledBackground', position: 'absolute' }}
        aria-hidden
      />
      <CircularProgress
        variant="determinate"
        value={Math.round(score * 100)}
        color={scoreColor(score)}
        size={size}
        thickness={5}
        aria-label={`Confidence score ${percent(score)}`}
      />
      <Box
        sx={{
          position: 'absolute',
          inset: 0,
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
        }}
        aria-hidden
      >
        <Typography variant="body2" fontWeight="bold">
          {Math.round(score * 100)}
        </Typography>
      </Box>
    </Box>
  );
}

/** @public */
export interface ConfidenceSummaryProps {
  confidence: ConfidenceScore;
}

/**
 * The confidence score and the factors that make it up, so a team sees which
 * missing piece costs the most.
 * @public
 */
export function ConfidenceSummary({ confidence }: ConfidenceSummaryProps) {
  const factors = [...confidence.factors].sort(
    (a, b) => Number(a.met) - Number(b.met) || b.weight - a.weight,
  );
  return (
    <Box
      sx={{
        display: 'flex',
        gap: 3,
        alignItems: 'flex-start',
        flexWrap: 'wrap',
      }}
    >
      <Box sx={{ textAlign: 'center' }}>
        <ConfidenceGauge score={confidence.score} size={80} />
        <Typography variant="caption" display="block" color="text.secondary">
          Confidence
        </Typography>
      </Box>
      {factors.length === 0 ? (
        <Typography color="text.secondary">
          No factors were evaluated.
        </Typography>
      ) : (
        <List
          dense
          aria-label="Confidence breakdown"
          sx={{ flex: 1, minWidth: 240 }}
        >
          {factors.map(factor => (
            <ListItem key={factor.id} disableGutters>
              <ListItemIcon sx={{ minWidth: 32 }}>
                {factor.met ? (
                  <CheckCircleOutline color="success" titleAccess="met" />
                ) : (
                  <HighlightOff color="error" titleAccess="not met" />
                )}
              </ListItemIcon>
              <ListItemText
                primary={`${factor.label} (${percent(factor.weight)})`}
                secondary={factor.detail}
                // Backstage's theme cuts dense list text with an ellipsis; a
                // factor's detail names what to fix, so it wraps instead.
                sx={{ whiteSpace: 'normal', overflowWrap: 'break-word' }}
              />
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
}
