import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import type { Runbook } from '@redline/backstage-plugin-observability-common';
import { RunbookMarkdown } from '../RunbookMarkdown';

/** @public */
export interface RunbookListProps {
  runbooks: Runbook[];
}

/** One collapsible, sanitised runbook per alert. @public */
export function RunbookList({ runbooks }: RunbookListProps) {
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
          TransitionProps={{ unmountOnExit: true }}
        >
          <AccordionSummary
            expandIcon={<ExpandMoreIcon />}
            id={`runbook-${runbook.alert}-header`}
            aria-controls={`runbook-${runbook.alert}-content`}
          >
            <Typography>{runbook.title}</Typography>
          </AccordionSummary>
          <AccordionDetails id={`runbook-${runbook.alert}-content`}>
            <RunbookMarkdown markdown={runbook.markdown} />
          </AccordionDetails>
        </Accordion>
      ))}
    </div>
  );
}
