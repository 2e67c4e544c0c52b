import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import type {
  DesignLevel,
  EntityViewResponse,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { AlertRulesTable } from '../AlertRulesTable';
import { ChecksTable } from '../ChecksTable';
import { LintFindingsList } from '../LintFindingsList';
import { ConfidenceSummary } from '../ConfidenceSummary';
import { FindingsList } from '../FindingsList';
import { FiringAlerts } from '../FiringAlerts';
import {
  MissingMetadataGuide,
  exampleAnnotations,
} from '../MissingMetadataGuide';
import { RedTargetsTable } from '../RedTargetsTable';
import { RunbookList } from '../RunbookList';
import { ScaffoldAlertsDialog } from '../ScaffoldAlertsDialog';

/** An entity with no valid `redline.dev/*` annotation runs on seed defaults only. */
export function isUndescribed(view: EntityViewResponse): boolean {
  return view.spec.describedAnnotations.length === 0;
}

const designLevelText: Record<DesignLevel, string> = {
  FULL_OBSERVABILITY_DESIGN: 'Full observability design',
  LOGGING_ONLY: 'Logging only (metrics unavailable)',
  BASIC_METRICS: 'Basic metrics',
};

function ObservabilityView({ view }: { view: EntityViewResponse }) {
  const [dialogOpen, setDialogOpen] = useState(false);
  const entityRef = useMemo(
    () => ({
      kind: view.spec.kind,
      namespace: view.spec.namespace,
      name: view.spec.name,
    }),
    [view.spec.kind, view.spec.namespace, view.spec.name],
  );
  const { level, reason } = view.design;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title="Observability"
          subheader={`${designLevelText[level] ?? level}${
            reason ? ` — ${reason}` : ''
          }`}
          action={
            <Box sx={{ pt: 1, pr: 1 }}>
              <Button
                variant="contained"
                onClick={() => setDialogOpen(true)}
                aria-haspopup="dialog"
              >
                Scaffold alerts
              </Button>
            </Box>
          }
        >
          <ConfidenceSummary confidence={view.confidence} />
        </InfoCard>
      </Grid>
      {view.findings.length > 0 && (
        <Grid item xs={12}>
          <InfoCard title={`Findings (${view.findings.length})`}>
            <FindingsList findings={view.findings} />
          </InfoCard>
        </Grid>
      )}
      {isUndescribed(view) && (
        <Grid item xs={12}>
          <MissingMetadataGuide serviceName={view.spec.serviceName.value} />
        </Grid>
      )}
      <Grid item xs={12}>
        <RedTargetsTable targets={view.redTargets} live={view.live} />
      </Grid>
      <Grid item xs={12}>
        <AlertRulesTable alerts={view.alerts} />
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title={`Firing alerts (${view.firing.alerts.length})`}>
          <FiringAlerts
            alerts={view.firing.alerts}
            unknownReason={
              view.firing.status === 'unknown' ? view.firing.reason : undefined
            }
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Runbooks">
          <RunbookList entityRef={entityRef} runbooks={view.runbooks} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <ChecksTable checks={view.checks} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title={`Rule lint${
            view.lintFindings ? ` (${view.lintFindings.length})` : ''
          }`}
        >
          <LintFindingsList
            findings={view.lintFindings}
            unknownReason={
              view.deployedRules.status === 'unknown'
                ? view.deployedRules.reason
                : undefined
            }
          />
        </InfoCard>
      </Grid>
      {dialogOpen && (
        <ScaffoldAlertsDialog
          open
          onClose={() => setDialogOpen(false)}
          entityRef={entityRef}
          view={view}
        />
      )}
    </Grid>
  );
}

/**
 * The Observability tab: confidence score, RED targets, alert rules,
 * runbooks, checks and live alerts for the current entity.
 * @public
 */
export function EntityObservabilityContent() {
  const { entity } = useEntity();
  const api = useApi(observabilityApiRef);
  const ref = getCompoundEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.getEntityView(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.redTargets.length === 0) {
    return (
      <EmptyState
        missing="info"
        title="No observability design for this entity"
        description={
          <>
            <Typography paragraph>
              Redline could not derive RED targets for {entity.metadata.name}.
              Describe the service with these annotations in its
              catalog-info.yaml:
            </Typography>
            <Typography
              component="pre"
              sx={{ fontFamily: 'monospace', whiteSpace: 'pre-wrap' }}
            >
              {exampleAnnotations(entity.metadata.name)}
            </Typography>
          </>
        }
      />
    );
  }
  return <ObservabilityView view={value} />;
}
