import { useEffect, useId, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import {
  CodeSnippet,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  APPLICABLE_ARTIFACTS,
  type ArtifactFileInfo,
  type ArtifactId,
  type EntityViewResponse,
  type SloSuggestion,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { saveBlob } from '../../lib/download';
import { FetchedEntityItem } from '../FetchedEntityItem';
import { AlertBacktest } from './AlertBacktest';
import { ApplyConfirmation } from './ApplyConfirmation';
import { ApplyHistory } from './ApplyHistory';
import { ArtifactPicker } from './ArtifactPicker';
import { focusRing } from './focusRing';
import { ApplyResult } from './ApplyResult';
import { SloProposal } from './SloProposal';
import { usePullRequestLink } from './usePullRequestLink';

export { DEFAULT_SCAFFOLDER_TEMPLATE } from './usePullRequestLink';

/** @public */
export interface ScaffoldAlertsDialogProps {
  open: boolean;
  onClose: () => void;
  entityRef: CompoundEntityRef;
  /**
   * With `redTargets`, the dialog backtests the alerts and lets their
   * thresholds be tuned; with `spec`, it offers the SLOs as OpenSLO.
   */
  view: Pick<EntityViewResponse, 'artifacts' | 'canApply'> &
    Partial<Pick<EntityViewResponse, 'redTargets' | 'spec'>>;
  /** Opened from "Propose this SLO": shows the annotations to add alongside the files. */
  suggestion?: SloSuggestion;
}

/** Syntax-highlighting language for the preview. */
export function languageOf(
  mediaType: string,
): 'yaml' | 'json' | 'markdown' | 'plaintext' {
  if (mediaType.includes('yaml')) return 'yaml';
  if (mediaType.includes('json')) return 'json';
  if (mediaType.includes('markdown')) return 'markdown';
  return 'plaintext';
}

function ArtifactPreview({
  entityRef,
  artifact,
}: {
  entityRef: CompoundEntityRef;
  artifact: ArtifactFileInfo;
}) {
  return (
    <FetchedEntityItem
      entityRef={entityRef}
      item={artifact.id}
      fetch={api => api.getArtifact(entityRef, artifact.id)}
      isEmpty={value => !value.content}
      emptyText="This file is empty."
    >
      {value => (
        <Box aria-label={`Preview of ${artifact.path}`} role="region">
          <Stack
            direction="row"
            justifyContent="space-between"
            alignItems="center"
            sx={{ mb: 1 }}
          >
            <Typography variant="subtitle2" component="h3">
              {artifact.path}
            </Typography>
            <Button
              size="small"
              variant="outlined"
              sx={focusRing}
              onClick={() =>
                saveBlob(
                  new Blob([value.content], { type: artifact.mediaType }),
                  artifact.path.split('/').pop()!,
                )
              }
            >
              Download {artifact.path.split('/').pop()}
            </Button>
          </Stack>
          {/* One scroller, reachable by keyboard (the region above names
              it): a scrolling pre inside it could not be scrolled without a
              mouse. */}
          <Box sx={{ maxHeight: 420, overflow: 'auto' }} tabIndex={0}>
            <CodeSnippet
              text={value.content}
              language={languageOf(artifact.mediaType)}
              showCopyCodeButton
              showLineNumbers
              customStyle={{ overflowX: 'visible', width: 'max-content' }}
            />
          </Box>
        </Box>
      )}
    </FetchedEntityItem>
  );
}

/**
 * "Scaffold alerts": pick generated artifacts, preview them with syntax
 * highlighting, copy or download one; the ticked files are what the zip, the
 * apply to Prometheus (after a diff against the deployed rules, when
 * permitted) and the scaffolder's pull request take. Before Apply, each
 * alert's backtest over the last 7 days, with its thresholds to tune (the
 * chosen values go into the pull request); the SLOs as OpenSLO. Lists who
 * applied the rules last.
 * @public
 */
export function ScaffoldAlertsDialog({
  open,
  onClose,
  entityRef,
  view,
  suggestion,
}: ScaffoldAlertsDialogProps) {
  const api = useApi(observabilityApiRef);
  const titleId = useId();
  const [selected, setSelected] = useState<ArtifactId[]>(() =>
    view.artifacts.map(a => a.id),
  );
  const [previewId, setPreviewId] = useState<ArtifactId | undefined>(
    view.artifacts[0]?.id,
  );
  // Thresholds tuned with the backtest travel into the pull request beside
  // an accepted SLO proposal.
  const [tuned, setTuned] = useState<Record<string, string>>({});
  const proposed = { ...suggestion?.annotations, ...tuned };
  const prLink = usePullRequestLink(
    entityRef,
    selected,
    Object.keys(proposed).length > 0 ? proposed : undefined,
  );

  // Keep the preview on a selected artifact when the selection changes.
  useEffect(() => {
    if (previewId && !selected.includes(previewId)) setPreviewId(selected[0]);
    if (!previewId && selected.length > 0) setPreviewId(selected[0]);
  }, [selected, previewId]);

  const [openSlo, downloadOpenSlo] = useAsyncFn(async () => {
    const file = await api.getOpenSlo(entityRef);
    saveBlob(file.blob, file.fileName);
    return file.fileName;
  }, [api, entityRef]);

  const [bundle, downloadBundle] = useAsyncFn(async () => {
    const file = await api.getBundle(entityRef, { files: selected });
    saveBlob(file.blob, file.fileName);
    return file.fileName;
  }, [api, entityRef, selected]);

  // Apply writes only what Prometheus loads, and only when it is ticked.
  const applicable = selected.filter(id => APPLICABLE_ARTIFACTS.includes(id));
  const [confirming, setConfirming] = useState(false);
  const [applied, apply] = useAsyncFn(
    () => api.applyArtifacts(entityRef, { files: applicable }),
    [api, entityRef, applicable.join('\n')],
  );

  const toggle = (id: ArtifactId) =>
    setSelected(current =>
      current.includes(id) ? current.filter(x => x !== id) : [...current, id],
    );
  const preview = view.artifacts.find(a => a.id === previewId);
  const allSelected = selected.length === view.artifacts.length;

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="lg"
      fullWidth
      aria-labelledby={titleId}
    >
      <DialogTitle id={titleId}>Scaffold alerts</DialogTitle>
      <DialogContent dividers>
        {suggestion && <SloProposal suggestion={suggestion} />}
        {view.artifacts.length === 0 ? (
          <Typography color="text.secondary">
            No artifacts were generated for this entity.
          </Typography>
        ) : (
          <Box
            sx={{
              display: 'grid',
              gridTemplateColumns: { xs: '1fr', md: '280px 1fr' },
              gap: 2,
            }}
          >
            <ArtifactPicker
              artifacts={view.artifacts}
              selected={selected}
              previewId={previewId}
              onToggle={toggle}
              onPreview={setPreviewId}
            />
            <Box sx={{ minWidth: 0 }}>
              {preview ? (
                <ArtifactPreview entityRef={entityRef} artifact={preview} />
              ) : (
                <Typography color="text.secondary">
                  Select an artifact to preview it.
                </Typography>
              )}
            </Box>
          </Box>
        )}
        {view.redTargets && (
          <AlertBacktest
            entityRef={entityRef}
            redTargets={view.redTargets}
            onChosen={setTuned}
          />
        )}
        {bundle.error && (
          <ResponseErrorPanel error={bundle.error} title="Download failed" />
        )}
        {openSlo.error && (
          <ResponseErrorPanel
            error={openSlo.error}
            title="OpenSLO download failed"
          />
        )}
        {applied.loading && <Progress />}
        {applied.error && (
          <ResponseErrorPanel
            error={applied.error}
            title={
              (applied.error as { statusCode?: number }).statusCode === 403
                ? 'Apply refused: you lack the observability.artifacts.apply permission'
                : 'Apply failed'
            }
          />
        )}
        {applied.value && <ApplyResult result={applied.value} />}
        <ApplyHistory entityRef={entityRef} refreshKey={applied.value} />
        {view.canApply && Object.keys(tuned).length > 0 && (
          <Alert severity="info" sx={{ mt: 2 }}>
            Apply writes the rules with the catalog's thresholds; the tuned ones
            reach Prometheus once their lines are in{' '}
            <code>catalog-info.yaml</code>
            {prLink ? ' (the pull request proposes them).' : '.'}
          </Alert>
        )}
        {!view.canApply && (
          <Alert severity="info" sx={{ mt: 2 }}>
            Applying rules directly needs the{' '}
            <code>observability.artifacts.apply</code> permission
            {prLink ? '; you can open a pull request instead.' : '.'}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        {view.canApply && applicable.length === 0 && selected.length > 0 && (
          <Typography variant="body2" sx={{ mr: 'auto', pl: 1 }}>
            Apply writes the Prometheus rules: tick them to apply.
          </Typography>
        )}
        <Button
          sx={focusRing}
          onClick={downloadBundle}
          disabled={bundle.loading || selected.length === 0}
        >
          {bundleLabel(bundle.loading, allSelected, selected.length)}
        </Button>
        {(view.spec?.slos.length ?? 0) > 0 && (
          <Button
            sx={focusRing}
            onClick={downloadOpenSlo}
            disabled={openSlo.loading}
          >
            {openSlo.loading ? 'Preparing OpenSLO…' : 'Download OpenSLO'}
          </Button>
        )}
        {prLink && (
          <Button sx={focusRing} href={prLink} disabled={selected.length === 0}>
            Open pull request
          </Button>
        )}
        {view.canApply && (
          <Button
            sx={focusRing}
            variant="contained"
            onClick={() => setConfirming(true)}
            disabled={applied.loading || applicable.length === 0}
          >
            Apply to Prometheus
          </Button>
        )}
        <Button sx={focusRing} onClick={onClose}>
          Close
        </Button>
      </DialogActions>
      {confirming && (
        <ApplyConfirmation
          entityRef={entityRef}
          files={applicable}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            apply();
          }}
        />
      )}
    </Dialog>
  );
}

function bundleLabel(loading: boolean, all: boolean, count: number): string {
  if (loading) return 'Preparing zip…';
  if (all) return 'Download all (zip)';
  return `Download ${count} selected (zip)`;
}
