import { useEffect, useId, useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import {
  CodeSnippet,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { configApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  type CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type {
  ArtifactFileInfo,
  ArtifactId,
  EntityViewResponse,
  SloSuggestion,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { saveBlob } from '../../lib/download';
import { scaffolderTemplateRouteRef } from '../../routes';
import { FetchedEntityItem } from '../FetchedEntityItem';
import { ApplyHistory } from './ApplyHistory';
import { ApplyResult } from './ApplyResult';
import { SloProposal } from './SloProposal';

/** @public */
export interface ScaffoldAlertsDialogProps {
  open: boolean;
  onClose: () => void;
  entityRef: CompoundEntityRef;
  view: Pick<EntityViewResponse, 'artifacts' | 'canApply'>;
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

/** Default template used by "Open pull request"; override with `observability.scaffolderTemplate`. */
export const DEFAULT_SCAFFOLDER_TEMPLATE =
  'template:default/redline-observability-pull-request';

/**
 * Link to the scaffolder template that opens a pull request with the
 * generated files, or undefined when the scaffolder is not installed (the
 * optional external route is then unbound).
 */
function usePullRequestLink(
  entityRef: CompoundEntityRef,
  artifacts: ArtifactId[],
  proposedAnnotations?: Record<string, string>,
): string | undefined {
  const templateRoute = useRouteRef(scaffolderTemplateRouteRef);
  const config = useApi(configApiRef);
  if (!templateRoute) return undefined;
  const template = parseEntityRef(
    config.getOptionalString('observability.scaffolderTemplate') ??
      DEFAULT_SCAFFOLDER_TEMPLATE,
    { defaultKind: 'template', defaultNamespace: 'default' },
  );
  const formData = {
    entityRef: stringifyEntityRef(entityRef),
    artifacts,
    // An accepted SLO proposal travels into the pull request.
    ...(proposedAnnotations ? { proposedAnnotations } : {}),
  };
  return `${templateRoute({
    namespace: template.namespace,
    templateName: template.name,
  })}?formData=${encodeURIComponent(JSON.stringify(formData))}`;
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
          <Box sx={{ maxHeight: 420, overflow: 'auto' }}>
            <CodeSnippet
              text={value.content}
              language={languageOf(artifact.mediaType)}
              showCopyCodeButton
              showLineNumbers
            />
          </Box>
        </Box>
      )}
    </FetchedEntityItem>
  );
}

/**
 * "Scaffold alerts": pick generated artifacts, preview them with syntax
 * highlighting, copy or download one or all (zip), apply them to Prometheus
 * when permitted, or open a pull request through the scaffolder; lists who
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
  const prLink = usePullRequestLink(
    entityRef,
    selected,
    suggestion?.annotations,
  );

  // Keep the preview on a selected artifact when the selection changes.
  useEffect(() => {
    if (previewId && !selected.includes(previewId)) setPreviewId(selected[0]);
    if (!previewId && selected.length > 0) setPreviewId(selected[0]);
  }, [selected, previewId]);

  const [bundle, downloadBundle] = useAsyncFn(async () => {
    const file = await api.getBundle(entityRef);
    saveBlob(file.blob, file.fileName);
    return file.fileName;
  }, [api, entityRef]);

  const [applied, apply] = useAsyncFn(
    () => api.applyArtifacts(entityRef),
    [api, entityRef],
  );

  const toggle = (id: ArtifactId) =>
    setSelected(current =>
      current.includes(id) ? current.filter(x => x !== id) : [...current, id],
    );
  const preview = view.artifacts.find(a => a.id === previewId);

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
            <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
              <FormLabel component="legend">Artifacts</FormLabel>
              <FormGroup>
                {view.artifacts.map(artifact => (
                  <Stack key={artifact.id} direction="row" alignItems="center">
                    <FormControlLabel
                      sx={{ flex: 1 }}
                      control={
                        <Checkbox
                          checked={selected.includes(artifact.id)}
                          onChange={() => toggle(artifact.id)}
                        />
                      }
                      label={artifact.label}
                    />
                    <Radio
                      size="small"
                      checked={previewId === artifact.id}
                      disabled={!selected.includes(artifact.id)}
                      onChange={() => setPreviewId(artifact.id)}
                      inputProps={{ 'aria-label': `Preview ${artifact.label}` }}
                    />
                  </Stack>
                ))}
              </FormGroup>
            </Box>
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
        {bundle.error && (
          <ResponseErrorPanel error={bundle.error} title="Download failed" />
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
        {!view.canApply && (
          <Alert severity="info" sx={{ mt: 2 }}>
            Applying rules directly needs the{' '}
            <code>observability.artifacts.apply</code> permission
            {prLink ? '; you can open a pull request instead.' : '.'}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button
          onClick={downloadBundle}
          disabled={bundle.loading || view.artifacts.length === 0}
        >
          {bundle.loading ? 'Preparing zip…' : 'Download all (zip)'}
        </Button>
        {prLink && (
          <Button href={prLink} disabled={selected.length === 0}>
            Open pull request
          </Button>
        )}
        {view.canApply && (
          <Button
            variant="contained"
            onClick={apply}
            disabled={applied.loading}
          >
            Apply to Prometheus
          </Button>
        )}
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
