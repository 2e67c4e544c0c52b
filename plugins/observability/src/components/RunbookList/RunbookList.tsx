import useAsync from 'react-use/esm/useAsync';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import type { RunbookInfo } from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { RunbookMarkdown } from '../RunbookMarkdown';

/** @public */
export interface RunbookListProps {
  entityRef: CompoundEntityRef;
  runbooks: RunbookInfo[];
}

function RunbookBody({
  entityRef,
  alert,
}: {
  entityRef: CompoundEntityRef;
  alert: string;
}) {
  const api = useApi(observabilityApiRef);
  const { value, loading, error } = useAsync(
    () => api.getRunbook(entityRef, alert),
    [api, entityRef.kind, entityRef.namespace, entityRef.name, alert],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.markdown.trim()) {
    return (
      <Typography color="text.secondary">This runbook is empty.</Typography>
    );
  }
  return <RunbookMarkdown markdown={value.markdown} />;
}

/**
 * One collapsible, sanitised runbook per alert. The view lists runbooks
 * without their text, so each one's Markdown is fetched when first opened
 * (and kept while the list is shown).
 * @public
 */
export function RunbookList({ entityRef, runbooks }: RunbookListProps) {
  if (runbooks.length === 0) {
    return (
      <Typography color="text.secondary">
        No runbooks were generated for this entity.
      </Typography>
    );
  }
  return (
    <div>
      {runbooks.map(runbook => (
        <Accordion
          key={runbook.path}
          disableGutters
          TransitionProps={{ mountOnEnter: true }}
        >
          <AccordionSummary
            expandIcon={<ExpandMoreIcon />}
            id={`runbook-${runbook.alert}-header`}
            aria-controls={`runbook-${runbook.alert}-content`}
          >
            <Typography>{runbook.title}</Typography>
          </AccordionSummary>
          <AccordionDetails id={`runbook-${runbook.alert}-content`}>
            <RunbookBody entityRef={entityRef} alert={runbook.alert} />
          </AccordionDetails>
        </Accordion>
      ))}
    </div>
  );
}
