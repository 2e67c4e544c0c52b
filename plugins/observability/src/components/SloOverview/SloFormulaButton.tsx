import { useId, useState } from 'react';
import { CodeSnippet } from '@backstage/core-components';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Popover from '@mui/material/Popover';
import Typography from '@mui/material/Typography';
import InfoOutlined from '@mui/icons-material/InfoOutlined';
import type {
  SloDataSource,
  SloStatus,
} from '@redline/backstage-plugin-observability-common';
import { sloTitle } from './format';

const SOURCE_TEXT: Record<SloDataSource, string> = {
  'recording-rules': "from Redline's recording rules",
  'raw-metrics': 'from raw metrics',
};

/**
 * How an SLO's numbers were computed, with the PromQL to copy: people do
 * not trust a budget they cannot reproduce. A popover rather than a tooltip
 * because its content must be selectable and its copy buttons reachable.
 * @public
 */
export function SloFormulaButton({ status }: { status: SloStatus }) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const titleId = useId();
  const name = sloTitle(status);
  return (
    <>
      <IconButton
        size="small"
        aria-label={`How ${name} is computed`}
        aria-haspopup="dialog"
        onClick={event => setAnchor(event.currentTarget)}
      >
        <InfoOutlined fontSize="small" />
      </IconButton>
      <Popover
        open={anchor !== null}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
        transformOrigin={{ vertical: 'top', horizontal: 'right' }}
        slotProps={{
          paper: {
            role: 'dialog',
            'aria-labelledby': titleId,
            sx: { p: 2, maxWidth: 640 },
          },
        }}
      >
        <Typography id={titleId} variant="subtitle2" component="h3">
          How {name} is computed
        </Typography>
        <Typography variant="body2" paragraph>
          {status.formula}
        </Typography>
        <Typography variant="body2" color="text.secondary" paragraph>
          Numbers {SOURCE_TEXT[status.source] ?? status.source}, over{' '}
          {status.windowLabel} ({status.windowStart} to {status.windowEnd}).
        </Typography>
        {status.queries.length > 0 && (
          <Box aria-label="Queries" role="list">
            {status.queries.map(query => (
              <Box role="listitem" key={query} sx={{ mb: 1 }}>
                <CodeSnippet
                  text={query}
                  language="plaintext"
                  showCopyCodeButton
                />
              </Box>
            ))}
          </Box>
        )}
      </Popover>
    </>
  );
}
