import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import { compactTableSx } from '../../lib/tableLayout';

/**
 * A small table with compact cell padding that scrolls sideways inside its
 * card instead of widening it. `cellSx` adds to every cell's style (the
 * compact padding stays); `sx` styles the table beyond that.
 */
export function ScrollingTable({
  label,
  cellSx,
  sx,
  children,
}: {
  /** Accessible name of the table. */
  label: string;
  cellSx?: Record<string, string | number>;
  sx?: Record<string, Record<string, string | number>>;
  children: ReactNode;
}) {
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table
        size="small"
        aria-label={label}
        sx={{
          ...compactTableSx,
          '& th, & td': { ...compactTableSx['& th, & td'], ...cellSx },
          ...sx,
        }}
      >
        {children}
      </Table>
    </Box>
  );
}
