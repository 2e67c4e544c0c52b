import { useId } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import {
  type ApplyPreviewResponse,
  type ArtifactId,
  withContext,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { focusRing } from './focusRing';

const MARK = { same: ' ', added: '+', removed: '-' } as const;
// `ins`/`del` tell screen readers what changed; the tint is for the eye.
const ELEMENT = { same: 'span', added: 'ins', removed: 'del' } as const;
const TINT = {
  same: undefined,
  added: 'rgba(46, 160, 67, 0.18)',
  removed: 'rgba(248, 81, 73, 0.18)',
} as const;

function summary(preview: ApplyPreviewResponse): string {
  const where = preview.target
    ? `rule target “${preview.target}”`
    : `Prometheus instance “${preview.instance}”`;
  if (!preview.changed) {
    return `${preview.fileName} on ${where} already holds these rules: applying writes nothing and reloads nothing.`;
  }
  const what = preview.deployed
    ? `replaces the deployed ${preview.fileName}`
    : `creates ${preview.fileName} (nothing of this entity is deployed there yet)`;
  const then = preview.target ? '' : ', then reloads Prometheus';
  return `Applying ${what} on ${where}${then}: ${preview.added} line(s) added, ${preview.removed} removed.`;
}

/** The deployed rules file against the one Apply would write, `diff -u` style. */
function Diff({ preview }: { preview: ApplyPreviewResponse }) {
  return (
    <Box
      component="pre"
      role="region"
      aria-label={`Changes to ${preview.fileName}`}
      tabIndex={0}
      sx={{
        maxHeight: 420,
        overflow: 'auto',
        fontSize: 13,
        p: 1,
        m: 0,
        bgcolor: 'background.default',
        color: 'text.primary',
      }}
    >
      {withContext(preview.diff).map((line, index) =>
        line.kind === 'gap' ? (
          <Box
            key={index}
            component="span"
            sx={{ display: 'block', color: 'text.secondary' }}
          >
            {`⋯ ${line.lines} unchanged line(s)`}
          </Box>
        ) : (
          <Box
            key={index}
            component={ELEMENT[line.kind]}
            sx={{
              display: 'block',
              textDecoration: 'none',
              bgcolor: TINT[line.kind],
            }}
          >
            {`${MARK[line.kind]} ${line.text}`}
          </Box>
        ),
      )}
    </Box>
  );
}

/**
 * The step between "Apply" and the write: what would change on Prometheus,
 * read from the rules file deployed there now.
 */
export function ApplyConfirmation({
  entityRef,
  files,
  onConfirm,
  onCancel,
}: {
  entityRef: CompoundEntityRef;
  files: ArtifactId[];
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const api = useApi(observabilityApiRef);
  const titleId = useId();
  const preview = useAsync(
    () => api.previewApply(entityRef, { files }),
    [api, entityRef, files.join('\n')],
  );
  return (
    <Dialog
      open
      onClose={onCancel}
      maxWidth="md"
      fullWidth
      aria-labelledby={titleId}
    >
      <DialogTitle id={titleId}>Apply to Prometheus?</DialogTitle>
      <DialogContent dividers>
        {preview.loading && <Progress />}
        {preview.error && (
          <ResponseErrorPanel
            error={preview.error}
            title="Could not compare with the deployed rules"
            defaultExpanded
          />
        )}
        {preview.value && (
          <>
            <Typography sx={{ mb: 1 }}>{summary(preview.value)}</Typography>
            {preview.value.changed && <Diff preview={preview.value} />}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button sx={focusRing} onClick={onCancel}>
          Cancel
        </Button>
        <Button
          sx={focusRing}
          variant="contained"
          onClick={onConfirm}
          disabled={!preview.value}
        >
          Confirm apply
        </Button>
      </DialogActions>
    </Dialog>
  );
}
