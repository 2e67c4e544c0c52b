import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import Chip from '@mui/material/Chip';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TableSortLabel from '@mui/material/TableSortLabel';
import type { Theme } from '@mui/material/styles';
import useMediaQuery from '@mui/material/useMediaQuery';
import Typography from '@mui/material/Typography';
import type {
  CoverageEntityRow,
  CoverageSortField,
} from '@redline/backstage-plugin-observability-common';
import { percent } from '../../lib/format';
import { LowestBudget } from '../SloAttainmentCells';
import { ScrollingTable } from '../ScrollingTable/ScrollingTable';

/** @public */
export interface TeamEntitiesTableProps {
  items: CoverageEntityRow[];
  totalItems: number;
  /** 1-based, as on the wire. */
  page: number;
  pageSize: number;
  sort?: CoverageSortField;
  order: 'asc' | 'desc';
  onPageChange: (page: number) => void;
  onPageSizeChange: (pageSize: number) => void;
  onSortChange: (sort: CoverageSortField, order: 'asc' | 'desc') => void;
}

const yesNo = (value: boolean) => (
  <Chip
    size="small"
    variant="outlined"
    color={value ? 'success' : 'default'}
    label={value ? 'yes' : 'no'}
  />
);

/** An entity's descriptive attributes, in column order. */
const DESCRIPTIVE: Array<{
  field: CoverageSortField;
  label: string;
  value: (row: CoverageEntityRow) => string;
}> = [
  { field: 'kind', label: 'Kind', value: row => row.kind },
  { field: 'system', label: 'System', value: row => row.system ?? '—' },
  {
    field: 'lifecycle',
    label: 'Lifecycle',
    value: row => row.lifecycle ?? '—',
  },
  { field: 'tier', label: 'Tier', value: row => row.tier ?? '—' },
];

/** Columns without a `field` cannot be sorted: the backend does not sort by them. */
const FIGURES: Array<{
  field?: CoverageSortField;
  label: string;
  cell: (row: CoverageEntityRow) => React.ReactNode;
}> = [
  { field: 'hasSlo', label: 'SLO', cell: row => yesNo(row.hasSlo) },
  { label: 'Lowest budget left', cell: row => <LowestBudget row={row} /> },
  { field: 'hasRunbook', label: 'Runbook', cell: row => yesNo(row.hasRunbook) },
  {
    field: 'rulesDeployed',
    label: 'Rules deployed',
    cell: row => row.rulesDeployed,
  },
  {
    field: 'confidence',
    label: 'Confidence',
    cell: row => percent(row.confidence),
  },
  {
    field: 'topFailingCheck',
    label: 'Top failing check',
    cell: row => (
      <>
        {row.topFailingCheck ?? '—'}
        {row.failingChecks > 1 && (
          <Typography variant="caption" color="text.secondary">
            {' '}
            (+{row.failingChecks - 1} more)
          </Typography>
        )}
      </>
    ),
  },
];

/**
 * A team's entities. Paging and sorting happen on the server (the coverage
 * table can hold thousands of rows), so this table only renders one page and
 * reports what the user asked for. Below the `lg` breakpoint (a 1024 px
 * screen) kind, system, lifecycle and tier move under the entity's name, so
 * the figures fit the card without a horizontal scroll.
 * @public
 */
export function TeamEntitiesTable(props: TeamEntitiesTableProps) {
  const { items, totalItems, page, pageSize, sort, order } = props;
  const entityRoute = useRouteRef(entityRouteRef);
  const narrow = useMediaQuery((theme: Theme) => theme.breakpoints.down('lg'));
  if (totalItems === 0) {
    return (
      <Typography sx={{ p: 2 }} color="text.secondary">
        No entities match these filters.
      </Typography>
    );
  }
  const columns: Array<{ field?: CoverageSortField; label: string }> = [
    { field: 'name', label: 'Entity' },
    ...(narrow ? [] : DESCRIPTIVE),
    ...FIGURES,
  ];
  return (
    <>
      {/* A safety net only: the table fits its card at 1024 px and up. */}
      <ScrollingTable
        label="Entities"
        // Headers and figures wrap between words, never inside one.
        cellSx={{ wordBreak: 'normal' }}
        sx={{
          '& td:first-of-type a': { whiteSpace: 'nowrap' },
          '& td:last-of-type': { minWidth: 140 },
        }}
      >
        <TableHead>
          <TableRow>
            {columns.map(({ field, label }) =>
              field ? (
                <TableCell
                  key={label}
                  sortDirection={sort === field ? order : false}
                >
                  <TableSortLabel
                    active={sort === field}
                    direction={sort === field ? order : 'asc'}
                    // Only the sorted column keeps room for its arrow: ten reserved
                    // arrows would cost more than a column's width.
                    hideSortIcon
                    onClick={() =>
                      props.onSortChange(
                        field,
                        sort === field && order === 'asc' ? 'desc' : 'asc',
                      )
                    }
                  >
                    {label}
                  </TableSortLabel>
                </TableCell>
              ) : (
                <TableCell key={label}>{label}</TableCell>
              ),
            )}
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(row => (
            <TableRow key={row.entityRef} hover>
              <TableCell>
                <Link
                  to={`${entityRoute(
                    entityRouteParams(row.entityRef),
                  )}/observability`}
                >
                  {row.name}
                </Link>
                {narrow && (
                  <Typography
                    variant="caption"
                    color="text.secondary"
                    component="div"
                  >
                    {DESCRIPTIVE.map(({ value }) => value(row)).join(' · ')}
                  </Typography>
                )}
              </TableCell>
              {!narrow &&
                DESCRIPTIVE.map(({ label, value }) => (
                  <TableCell key={label}>{value(row)}</TableCell>
                ))}
              {FIGURES.map(({ label, cell }) => (
                <TableCell key={label}>{cell(row)}</TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </ScrollingTable>
      <TablePagination
        component="div"
        count={totalItems}
        page={page - 1}
        rowsPerPage={pageSize}
        rowsPerPageOptions={[10, 25, 50, 100]}
        onPageChange={(_event, next) => props.onPageChange(next + 1)}
        onRowsPerPageChange={event =>
          props.onPageSizeChange(Number(event.target.value))
        }
      />
    </>
  );
}
