import { CodeSnippet } from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { Finding } from '@redline/backstage-plugin-observability-common';

/** @public */
export interface FindingsListProps {
  findings: Finding[];
}

const severityOrder: Record<Finding['severity'], number> = {
  error: 0,
  warning: 1,
  info: 2,
};

/**
 * Problems found while reading the entity's metadata, worst first. Each names
 * the annotation, the value and what was expected, with a pasteable fix —
 * invalid metadata is something to correct, not an error page.
 * @public
 */
export function FindingsList({ findings }: FindingsListProps) {
  if (findings.length === 0) {
    return (
      <Typography color="text.secondary">
        No problems found in this entity's metadata.
      </Typography>
    );
  }
  const sorted = [...findings].sort(
    (a, b) => severityOrder[a.severity] - severityOrder[b.severity],
  );
  return (
    <Stack
      spacing={1}
      component="ul"
      sx={{ listStyle: 'none', p: 0, m: 0 }}
      aria-label="Findings"
    >
      {sorted.map((finding, index) => (
        <li key={`${finding.id}-${finding.annotation ?? ''}-${index}`}>
          <Alert severity={finding.severity}>
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
              <Typography variant="body2">
                Expected {finding.expected}
              </Typography>
            )}
            {finding.fix && (
              <Box sx={{ mt: 1 }}>
                <CodeSnippet
                  text={finding.fix}
                  language="yaml"
                  showCopyCodeButton
                />
              </Box>
            )}
          </Alert>
        </li>
      ))}
    </Stack>
  );
}
