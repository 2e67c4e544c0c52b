import type { CompoundEntityRef } from '@backstage/catalog-model';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import type { RunbookInfo } from '@redline/backstage-plugin-observability-common';
import { FetchedEntityItem } from '../FetchedEntityItem';
import { RunbookMarkdown } from '../RunbookMarkdown';

/** @public */
export interface RunbookListProps {
  entityRef: CompoundEntityRef;
  runbooks: RunbookInfo[];
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
            <FetchedEntityItem
              entityRef={entityRef}
              item={runbook.alert}
              fetch={api => api.getRunbook(entityRef, runbook.alert)}
              isEmpty={value => !value.markdown.trim()}
              emptyText="This runbook is empty."
            >
              {value => <RunbookMarkdown markdown={value.markdown} />}
            </FetchedEntityItem>
          </AccordionDetails>
        </Accordion>
      ))}
    </div>
  );
}
