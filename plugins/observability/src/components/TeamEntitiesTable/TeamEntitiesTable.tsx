import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TableSortLabel from '@mui/material/TableSortLabel';
import Typography from '@mui/material/Typography';
import type {
  CoverageEntityRow,
  CoverageSortField,
} from '@redline/backstage-plugin-observability-common';
import { percent } from '../../lib/format';
import { LowestBudget } from '../SloAttainmentCells';

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

/** Columns without a `field` cannot be sorted: the backend does not sort by them. */
const COLUMNS: Array<{ field?: CoverageSortField; label: string }> = [
  { field: 'name', label: 'Entity' },
  { field: 'kind', label: 'Kind' },
  { field: 'system', label: 'System' },
  { field: 'lifecycle', label: 'Lifecycle' },
  { field: 'tier', label: 'Tier' },
  { field: 'hasSlo', label: 'SLO' },
  { label: 'Lowest budget left' },
  { field: 'hasRunbook', label: 'Runbook' },
  { field: 'rulesDeployed', label: 'Rules deployed' },
  { field: 'confidence', label: 'Confidence' },
  { field: 'topFailingCheck', label: 'Top failing check' },
];

/**
 * A team's entities. Paging and sorting happen on the server (the coverage
 * table can hold thousands of rows), so this table only renders one page and
 * reports what the user asked for.
 * @public
 */
export function TeamEntitiesTable(props: TeamEntitiesTableProps) {
  const { items, totalItems, page, pageSize, sort, order } = props;
  const entityRoute = useRouteRef(entityRouteRef);
  if (totalItems === 0) {
    return (
      <Typography sx={{ p: 2 }} color="text.secondary">
        No entities match these filters.
      </Typography>
    );
  }
  return (
    <>
      {/* Cells do not wrap mid-word; a narrow screen scrolls the table instead. */}
      <Box sx={{ overflowX: 'auto' }}>
        <Table
          size="small"
          aria-label="Entities"
          sx={{
            '& th, & td': { whiteSpace: 'nowrap', wordBreak: 'normal' },
            '& td:last-of-type': { whiteSpace: 'normal', minWidth: 200 },
          }}
        >
          <TableHead>
            <TableRow>
              {COLUMNS.map(({ field, label }) =>
                field ? (
                  <TableCell
                    key={label}
                    sortDirection={sort === field ? order : false}
                  >
                    <TableSortLabel
                      active={sort === field}
                      direction={sort === field ? order : 'asc'}
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
                </TableCell>
                <TableCell>{row.kind}</TableCell>
                <TableCell>{row.system ?? '—'}</TableCell>
                <TableCell>{row.lifecycle ?? '—'}</TableCell>
                <TableCell>{row.tier ?? '—'}</TableCell>
                <TableCell>{yesNo(row.hasSlo)}</TableCell>
                <TableCell>
                  <LowestBudget row={row} />
                </TableCell>
                <TableCell>{yesNo(row.hasRunbook)}</TableCell>
                <TableCell>{row.rulesDeployed}</TableCell>
                <TableCell>{percent(row.confidence)}</TableCell>
                <TableCell>
                  {row.topFailingCheck ?? '—'}
                  {row.failingChecks > 1 && (
                    <Typography variant="caption" color="text.secondary">
                      {' '}
                      (+{row.failingChecks - 1} more)
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
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
