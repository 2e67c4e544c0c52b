import { InfoCard } from '@backstage/core-components';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import {
  hasObservabilityMetadata,
  type DesignLevel,
  type EntityViewResponse,
} from '@redline/backstage-plugin-observability-common';
import { AlertRulesTable } from '../AlertRulesTable';
import { LintFindingsList } from '../LintFindingsList';
import { ConfidenceSummary } from '../ConfidenceSummary';
import { FindingsList } from '../FindingsList';
import { MissingMetadataGuide } from '../MissingMetadataGuide';
import { RedTargetsTable } from '../RedTargetsTable';
import { RunbookList } from '../RunbookList';

/** An entity without any observability annotation (valid or not) runs on seed defaults only. */
export function isUndescribed(view: EntityViewResponse): boolean {
  return !hasObservabilityMetadata(view.spec);
}

const designLevelText: Record<DesignLevel, string> = {
  FULL_OBSERVABILITY_DESIGN: 'Full observability design',
  LOGGING_ONLY: 'Logging only (metrics unavailable)',
  BASIC_METRICS: 'Basic metrics',
};

/** The backend's own spelling of the entity, as the view's routes expect it. */
export function viewEntityRef(view: EntityViewResponse): CompoundEntityRef {
  return {
    kind: view.spec.kind,
    namespace: view.spec.namespace,
    name: view.spec.name,
  };
}

/**
 * The design and its checks, below service health: where people look when
 * they set a service up rather than when they ask whether it is healthy.
 * Grid items, so they share the tab's grid.
 */
export function SetupSections({
  view,
  entityRef,
  onScaffold,
}: {
  view: EntityViewResponse;
  entityRef: CompoundEntityRef;
  onScaffold: () => void;
}) {
  const { level, reason } = view.design;
  return (
    <>
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
                onClick={onScaffold}
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
      <Grid item xs={12}>
        <InfoCard title="Runbooks">
          <RunbookList entityRef={entityRef} runbooks={view.runbooks} />
        </InfoCard>
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
    </>
  );
}
