import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { SloStatus } from '@redline/backstage-plugin-observability-common';
import { compactTableSx } from '../../lib/tableLayout';
import {
  formatBurnRate,
  formatDuration,
  formatMinutes,
  formatObjective,
  formatPercent,
  formatRequests,
  sloTitle,
} from './format';
import { SloFormulaButton } from './SloFormulaButton';
import { SloHealthChip } from './SloHealthChip';

/** Two lines in one cell: the headline number and what it means in other units. */
function Figure({ main, detail }: { main: string; detail?: string }) {
  return (
    <>
      <Typography variant="body2">{main}</Typography>
      {detail && (
        <Typography variant="caption" color="text.secondary" component="div">
          {detail}
        </Typography>
      )}
    </>
  );
}

function SloRow({ status }: { status: SloStatus }) {
  const name = sloTitle(status);
  const { budget, burnRate } = status;
  const budgetDetail =
    budget.remainingMinutes === null && budget.remainingRequests === null
      ? undefined
      : `${formatMinutes(budget.remainingMinutes)} · ${formatRequests(
          budget.remainingRequests,
        )}`;
  return (
    <TableRow aria-label={name}>
      <TableCell component="th" scope="row">
        <Stack direction="row" alignItems="center" spacing={0.5}>
          <Typography variant="body2" fontWeight="bold">
            {name}
          </Typography>
          <SloFormulaButton status={status} />
        </Stack>
        <Typography variant="caption" color="text.secondary">
          {formatObjective(status.objectivePercent)} over {status.windowLabel}
        </Typography>
      </TableCell>
      <TableCell>
        <Figure main={formatPercent(status.attainmentPercent, 2)} />
      </TableCell>
      <TableCell>
        <Figure
          main={formatPercent(budget.remainingPercent)}
          detail={budgetDetail}
        />
      </TableCell>
      <TableCell>
        <Figure main={formatBurnRate(burnRate.h1)} />
      </TableCell>
      <TableCell>
        <Figure main={formatBurnRate(burnRate.h6)} />
      </TableCell>
      <TableCell>
        <Figure main={formatDuration(status.exhaustedInSeconds)} />
      </TableCell>
      <TableCell>
        <SloHealthChip health={status.health} reason={status.reason} />
        {status.reason && (
          <Typography
            variant="caption"
            color="text.secondary"
            component="div"
            sx={{ mt: 0.5, maxWidth: 280 }}
          >
            {status.reason}
          </Typography>
        )}
      </TableCell>
    </TableRow>
  );
}

/**
 * One row per SLO: objective and window, attainment, budget left (percent,
 * time at full outage, requests), burn rate now and when the budget runs out
 * at that rate.
 * @public
 */
export function SloTable({ slos }: { slos: SloStatus[] }) {
  return (
    <Table
      size="small"
      aria-label="Service-level objectives"
      sx={compactTableSx}
    >
      <TableHead>
        <TableRow>
          <TableCell>SLO</TableCell>
          <TableCell>Attainment</TableCell>
          <TableCell>Error budget remaining</TableCell>
          <TableCell>Burn rate 1 h</TableCell>
          <TableCell>Burn rate 6 h</TableCell>
          <TableCell>Exhausted in</TableCell>
          <TableCell>Status</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {slos.map(status => (
          <SloRow
            key={`${status.slo}:${status.thresholdSeconds ?? ''}:${
              status.objectivePercent
            }`}
            status={status}
          />
        ))}
      </TableBody>
    </Table>
  );
}
