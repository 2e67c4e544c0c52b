import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { RedNow } from '@redline/backstage-plugin-observability-common';
import { formatValue } from '../../lib/format';

const SIGNAL_NAME: Record<RedNow['signal'], string> = {
  rate: 'Request rate',
  errors: 'Error ratio',
  duration: 'Latency P99',
};

const STATUS: Record<
  RedNow['status'],
  { text: string; color: 'success.main' | 'error.main' | 'text.secondary' }
> = {
  ok: { text: 'ok', color: 'success.main' },
  breached: { text: 'breached', color: 'error.main' },
  'no-data': { text: 'no data', color: 'text.secondary' },
};

/** The wire's units to the plugin's display units (latency reads better in ms). */
function show(value: number | null, unit: RedNow['unit']): string {
  if (unit === 's')
    return formatValue(value === null ? null : value * 1000, 'ms');
  return formatValue(value, unit === '%' ? 'percent' : 'req/s');
}

/**
 * The three RED signals now against their thresholds: what a service
 * without SLOs can still be judged by.
 * @public
 */
export function RedNowTable({ red }: { red: RedNow[] }) {
  if (red.length === 0) {
    return (
      <Typography color="text.secondary">
        No RED data: Redline found no request metrics for this service.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="RED now">
      <TableHead>
        <TableRow>
          <TableCell>Signal</TableCell>
          <TableCell>Now</TableCell>
          <TableCell>Threshold</TableCell>
          <TableCell>Status</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {red.map(signal => {
          const status = STATUS[signal.status] ?? STATUS['no-data'];
          return (
            <TableRow key={signal.signal}>
              <TableCell component="th" scope="row">
                {SIGNAL_NAME[signal.signal] ?? signal.signal}
              </TableCell>
              <TableCell>{show(signal.value, signal.unit)}</TableCell>
              <TableCell>
                {signal.threshold === undefined
                  ? '—'
                  : show(signal.threshold, signal.unit)}
              </TableCell>
              <TableCell>
                <Typography
                  variant="body2"
                  color={status.color}
                  fontWeight={signal.status === 'breached' ? 'bold' : undefined}
                >
                  {status.text}
                </Typography>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
