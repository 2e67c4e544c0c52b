import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import CheckCircleOutline from '@mui/icons-material/CheckCircleOutline';
import ErrorOutline from '@mui/icons-material/ErrorOutline';
import RemoveCircleOutline from '@mui/icons-material/RemoveCircleOutline';
import WarningAmber from '@mui/icons-material/WarningAmber';
import type {
  RedLiveValue,
  RedTarget,
} from '@redline/backstage-plugin-observability-common';
import { formatValue } from '../../lib/format';
import {
  type Judgement,
  judgeLiveValue,
  judgementText,
} from '../../lib/judgement';
import { Sparkline } from '../Sparkline';

/** Read by screen readers, not drawn: the icon and colour say it visually. */
const visuallyHidden = {
  position: 'absolute',
  // In px: in `sx`, a width of 1 means 100 %.
  width: '1px',
  height: '1px',
  p: 0,
  m: '-1px',
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const;

const LOOK: Record<
  Exclude<Judgement, 'no-data'>,
  { color: string; Icon: typeof ErrorOutline }
> = {
  breach: { color: 'error.main', Icon: ErrorOutline },
  near: { color: 'warning.main', Icon: WarningAmber },
  ok: { color: 'success.main', Icon: CheckCircleOutline },
  unjudged: { color: 'text.secondary', Icon: RemoveCircleOutline },
};

/**
 * A live RED value judged against its target: colour and icon for the eye,
 * the same judgement in words for a screen reader.
 */
export function LiveValueCell({
  target,
  live,
}: {
  target: RedTarget;
  live?: RedLiveValue;
}) {
  const judgement = judgeLiveValue(target, live);
  if (!live || judgement === 'no-data')
    return (
      <Typography variant="body2" color="text.secondary">
        no data
      </Typography>
    );
  const { color, Icon } = LOOK[judgement];
  return (
    <Box
      data-judgement={judgement}
      sx={{ display: 'flex', alignItems: 'center', gap: 0.5, flexWrap: 'wrap' }}
    >
      <Box
        component="span"
        sx={{
          // Anchors the visually hidden text here: unanchored, it sits where
          // the table would place it and widens the card's scroll area.
          position: 'relative',
          display: 'inline-flex',
          alignItems: 'center',
          gap: 0.5,
          whiteSpace: 'nowrap',
          color,
          fontWeight: judgement === 'breach' ? 'bold' : undefined,
        }}
      >
        <Icon fontSize="small" aria-hidden />
        {formatValue(live.value, live.unit ?? target.unit)}
        <Box component="span" sx={visuallyHidden}>
          {`, ${judgementText(judgement, target.thresholdDisplay)}`}
        </Box>
      </Box>
      <Sparkline points={live.trend} label={`${target.name} trend`} />
    </Box>
  );
}
