import { CodeSnippet } from '@backstage/core-components';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { Finding } from '@redline/backstage-plugin-observability-common';
import { WorstFirstAlertList } from '../WorstFirstAlertList';

/** @public */
export interface FindingsListProps {
  findings: Finding[];
}

/**
 * Problems found while reading the entity's metadata, worst first. Each names
 * the annotation, the value and what was expected, with a pasteable fix —
 * invalid metadata is something to correct, not an error page.
 * @public
 */
export function FindingsList({ findings }: FindingsListProps) {
  return (
    <WorstFirstAlertList
      label="Findings"
      items={findings}
      emptyText="No problems found in this entity's metadata."
      itemKey={(finding, index) =>
        `${finding.id}-${finding.annotation ?? ''}-${index}`
      }
    >
      {finding => (
        <>
          <AlertTitle>{finding.message}</AlertTitle>
          {finding.annotation && (
            <Typography variant="body2">
              Annotation <code>{finding.annotation}</code>
              {finding.value !== undefined && (
                <>
                  {' '}
                  has value <code>{JSON.stringify(finding.value)}</code>
                </>
              )}
              {finding.expected && <>; expected {finding.expected}</>}
            </Typography>
          )}
          {!finding.annotation && finding.expected && (
            <Typography variant="body2">Expected {finding.expected}</Typography>
          )}
          {finding.fix && (
            <Box sx={{ mt: 1 }}>
              <CodeSnippet
                text={finding.fix}
                language="yaml"
                showCopyCodeButton
                // Long URLs wrap rather than hide behind a horizontal scroll.
                wrapLongLines
                customStyle={{ overflowWrap: 'anywhere' }}
              />
            </Box>
          )}
        </>
      )}
    </WorstFirstAlertList>
  );
}
