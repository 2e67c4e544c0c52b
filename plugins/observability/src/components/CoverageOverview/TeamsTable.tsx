import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TableSortLabel from '@mui/material/TableSortLabel';
import Typography from '@mui/material/Typography';
import type { TeamCoverageSummary } from '@redline/backstage-plugin-observability-common';
import { percent } from '../../lib/format';
import { compactTableSx } from '../../lib/tableLayout';
import { LOW_BUDGETS_TITLE } from '../../lib/sloAttainment';
import { LowBudgets, MeetingShare } from '../SloAttainmentCells';
import { sortTeams, type TeamSortKey } from './teamSort';

type Share =
  | 'withSlo'
  | 'withRunbooks'
  | 'withRulesDeployed'
  | 'meanConfidence';

const COLUMNS: Array<{
  key: TeamSortKey;
  label: string;
  numeric?: boolean;
  cell: (row: TeamCoverageSummary) => React.ReactNode;
}> = [
  { key: 'team', label: 'Team', cell: row => row.team },
  {
    key: 'services',
    label: 'Services',
    numeric: true,
    cell: row => row.services,
  },
  ...(
    [
      ['withSlo', 'With SLO'],
      ['withRunbooks', 'With runbooks'],
      ['withRulesDeployed', 'Rules deployed'],
      ['meanConfidence', 'Mean confidence'],
    ] as Array<[Share, string]>
  ).map(([key, label]) => ({
    key,
    label,
    cell: (row: TeamCoverageSummary) => percent(row[key]),
  })),
  {
    key: 'sloMeeting',
    label: 'SLOs meeting objective',
    cell: row => <MeetingShare figures={row} />,
  },
  {
    key: 'lowBudgets',
    label: LOW_BUDGETS_TITLE,
    cell: row => <LowBudgets figures={row} />,
  },
];

/**
 * Coverage per team, sorted in the browser (a catalog has tens of teams, not
 * thousands). The sorted column carries `aria-sort`, so a screen reader says
 * which order the rows are in; the least confident teams come first.
 */
export function TeamsTable({
  teams,
  onSelect,
}: {
  teams: TeamCoverageSummary[];
  onSelect: (team: string) => void;
}) {
  const [sort, setSort] = useState<{
    key: TeamSortKey;
    order: 'asc' | 'desc';
  }>({ key: 'meanConfidence', order: 'asc' });
  const rows = sortTeams(teams, sort.key, sort.order);
  return (
    <InfoCard title="Teams" noPadding>
      {teams.length === 0 ? (
        <Typography sx={{ p: 2 }} color="text.secondary">
          No team matches these filters.
        </Typography>
      ) : (
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small" aria-label="Teams" sx={compactTableSx}>
            <TableHead>
              <TableRow>
                {COLUMNS.map(({ key, label, numeric }) => (
                  <TableCell
                    key={key}
                    align={numeric ? 'right' : 'left'}
                    sortDirection={sort.key === key ? sort.order : false}
                  >
                    <TableSortLabel
                      active={sort.key === key}
                      direction={sort.key === key ? sort.order : 'asc'}
                      // Only the sorted column keeps room for its arrow: eight reserved
                      // arrows would cost a column's width at 1024 px.
                      hideSortIcon
                      onClick={() =>
                        setSort({
                          key,
                          order:
                            sort.key === key && sort.order === 'asc'
                              ? 'desc'
                              : 'asc',
                        })
                      }
                    >
                      {label}
                    </TableSortLabel>
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(row => (
                <TableRow key={row.team} hover>
                  {COLUMNS.map(({ key, numeric, cell }) => (
                    <TableCell key={key} align={numeric ? 'right' : 'left'}>
                      {key === 'team' ? (
                        <Link
                          component="button"
                          variant="body2"
                          onClick={() => onSelect(row.team)}
                          aria-label={`Show entities of ${row.team}`}
                        >
                          {row.team}
                        </Link>
                      ) : (
                        cell(row)
                      )}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </InfoCard>
  );
}
