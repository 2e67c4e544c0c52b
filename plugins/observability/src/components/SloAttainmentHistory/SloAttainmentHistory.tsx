import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@mui/material/Button';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { SloAttainmentMonth } from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { saveBlob } from '../../lib/download';
import { MeetingShare } from '../SloAttainmentCells';
import { ScrollingTable } from '../ScrollingTable/ScrollingTable';
import { pivotByMonth } from './pivot';

/** @public */
export interface SloAttainmentHistoryProps {
  /** One team's months; without it, every team's and the overall ones. */
  team?: string;
}

function AttainmentTable({ months }: { months: SloAttainmentMonth[] }) {
  const { columns, rows } = pivotByMonth(months);
  return (
    <ScrollingTable
      label="SLO attainment by month"
      cellSx={{ whiteSpace: 'nowrap' }}
    >
      <TableHead>
        <TableRow>
          <TableCell>Month</TableCell>
          {columns.map(c => (
            <TableCell key={c}>{c}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(({ month, cells }) => (
          <TableRow key={month}>
            <TableCell component="th" scope="row">
              {month}
            </TableCell>
            {columns.map(c => {
              const figures = cells.get(c);
              return (
                <TableCell key={c}>
                  {figures ? <MeetingShare figures={figures} /> : '—'}
                </TableCell>
              );
            })}
          </TableRow>
        ))}
      </TableBody>
    </ScrollingTable>
  );
}

/**
 * Share of SLOs meeting their objective per calendar month (UTC) and team,
 * from each month's last coverage run, with the same months as CSV.
 * @public
 */
export function SloAttainmentHistory({ team }: SloAttainmentHistoryProps) {
  const api = useApi(observabilityApiRef);
  const { value, loading, error } = useAsync(
    () => api.getSloAttainment(team ? { team } : {}),
    [api, team],
  );
  const [download, downloadCsv] = useAsyncFn(async () => {
    const file = await api.exportSloAttainmentCsv(team ? { team } : {});
    saveBlob(file.blob, file.fileName);
  }, [api, team]);

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else if (!value || value.months.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No SLO attainment recorded yet"
        description="Each coverage run measures the catalog's SLOs; months appear here once a run has measured them."
      />
    );
  } else {
    body = (
      <>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          SLOs meeting their objective at the last coverage run of each month
          (UTC). Follows the selected team; the other filters do not apply.
        </Typography>
        <AttainmentTable months={value.months} />
      </>
    );
  }

  return (
    <InfoCard
      title={`SLO attainment by month — ${team ?? 'all teams'}`}
      action={
        <Button
          variant="outlined"
          onClick={downloadCsv}
          disabled={download.loading}
          sx={{ mt: 1, mr: 1 }}
        >
          {download.loading ? 'Downloading…' : 'Download CSV'}
        </Button>
      }
    >
      {download.error && (
        <ResponseErrorPanel error={download.error} title="Download failed" />
      )}
      {body}
    </InfoCard>
  );
}
