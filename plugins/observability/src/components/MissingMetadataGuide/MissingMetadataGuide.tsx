import { CodeSnippet } from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { ANNOTATIONS } from '@redline/backstage-plugin-observability-common';

/** @public */
export interface MissingMetadataGuideProps {
  /** Service name to pre-fill in the snippet. */
  serviceName: string;
}

/** The annotations that lift an undescribed service to a full design, each with a typical value. */
export function exampleAnnotations(serviceName: string): string {
  const lines: Array<[string, string]> = [
    [ANNOTATIONS.serviceName, serviceName],
    [ANNOTATIONS.sloAvailability, '99.9'],
    [ANNOTATIONS.sloLatency, '99% < 300ms'],
    [ANNOTATIONS.tier, 'tier-1'],
    [ANNOTATIONS.runbookUrl, `https://runbooks.example.com/${serviceName}`],
    [ANNOTATIONS.dashboardUrl, `https://grafana.example.com/d/${serviceName}`],
    [ANNOTATIONS.errorRateThreshold, '1'],
    [ANNOTATIONS.latencyP99Threshold, '500ms'],
  ];
  return [
    'metadata:',
    '  annotations:',
    ...lines.map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`),
  ].join('\n');
}

/**
 * The guided state for an entity without observability metadata: what is
 * shown below are the seed's defaults, and this is what to add to
 * `catalog-info.yaml` to make them the service's own.
 * @public
 */
export function MissingMetadataGuide({
  serviceName,
}: MissingMetadataGuideProps) {
  return (
    <Alert severity="info" aria-label="How to describe this service">
      <AlertTitle>This service has no observability metadata yet</AlertTitle>
      <Typography variant="body2" paragraph>
        The RED targets below use the defaults: alert when traffic drops by more
        than 50 % against last week, when more than 1 % of requests fail for 5
        minutes, or when P99 latency exceeds 500 ms for 5 minutes. Declare an
        SLO, a tier and a runbook in the entity's <code>catalog-info.yaml</code>{' '}
        to get SLO burn-rate alerts, routing and a higher confidence score:
      </Typography>
      <Box sx={{ maxWidth: 720 }}>
        <CodeSnippet
          text={exampleAnnotations(serviceName)}
          language="yaml"
          showCopyCodeButton
        />
      </Box>
    </Alert>
  );
}
