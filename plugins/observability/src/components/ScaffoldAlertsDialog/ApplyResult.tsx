import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import type { ApplyResponse } from '@redline/backstage-plugin-observability-common';

/** What an apply did: where it wrote, whether anything changed, validation and reload. */
export function ApplyResult({ result }: { result: ApplyResponse }) {
  const reloadFailed = result.reload.status === 'failed';
  return (
    <Alert
      severity={reloadFailed ? 'warning' : 'success'}
      sx={{ mt: 2 }}
      role="status"
    >
      <AlertTitle>
        {result.changed ? 'Rules written' : 'Rules unchanged'} on{' '}
        {result.target ? 'rule target' : 'instance'} “{result.instance}”
      </AlertTitle>
      <div>
        Path: <code>{result.path}</code>
      </div>
      <div>
        Validated:{' '}
        {result.validated === 'promtool'
          ? 'promtool check rules passed'
          : 'skipped'}
      </div>
      <div>
        Reload: {result.reload.status}
        {result.reload.message ? ` — ${result.reload.message}` : ''}
      </div>
    </Alert>
  );
}
