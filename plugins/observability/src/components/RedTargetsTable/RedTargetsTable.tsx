import { Table, type TableColumn } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Chip, { chipClasses } from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type {
  EntityViewResponse,
  RedTarget,
} from '@redline/backstage-plugin-observability-common';
import { compactCellPadding } from '../../lib/tableLayout';
import { staticTableOptions } from '../../lib/tableOptions';
import { TitleWithCaption } from '../TitleWithCaption';
import { LiveValueCell } from './LiveValueCell';

/** @public */
export interface RedTargetsTableProps {
  targets: RedTarget[];
  /** Live values; the live column appears only when present. */
  live?: EntityViewResponse['live'];
}

type Row = RedTarget & { id: string };

/** `default` or `annotation: redline.dev/…` — tells a team what to edit to change a value. */
export function SourceChip({
  source,
  annotation,
}: {
  source: RedTarget['source'];
  annotation?: string;
}) {
  const label =
    source === 'annotation' && annotation
      ? `annotation: ${annotation}`
      : source;
  return (
    <Chip
      size="small"
      variant="outlined"
      color={source === 'annotation' ? 'primary' : 'default'}
      label={label}
      // Annotation names are long: wrap inside the chip (at their dots,
      // slashes and hyphens), not past the card.
      sx={{
        height: 'auto',
        maxWidth: '100%',
        [`& .${chipClasses.label}`]: { whiteSpace: 'normal' },
      }}
    />
  );
}

/**
 * The seed's three RED signals with their PromQL, threshold, `for` and the
 * provenance of each threshold; with live data, the current value and a trend.
 * @public
 */
export function RedTargetsTable({ targets, live }: RedTargetsTableProps) {
  const liveBySignal = new Map(live?.values.map(v => [v.signal, v]) ?? []);
  // Fits its card down to 1024 px: four columns, the live value right after
  // the signal, the threshold's `for` and source under the threshold they
  // qualify, long PromQL and annotation names wrapping inside their cells.
  const liveColumn: TableColumn<Row>[] = live
    ? [
        {
          title: 'Live',
          field: 'signal',
          headerStyle: compactCellPadding,
          cellStyle: { ...compactCellPadding, minWidth: 100 },
          render: row => (
            <LiveValueCell target={row} live={liveBySignal.get(row.signal)} />
          ),
        },
      ]
    : [];
  const columns: TableColumn<Row>[] = [
    {
      title: 'Signal',
      field: 'name',
      headerStyle: { paddingRight: 8 },
      cellStyle: { paddingRight: 8, minWidth: 160 },
      render: row => (
        <TitleWithCaption title={row.name} caption={row.description} />
      ),
    },
    ...liveColumn,
    {
      title: 'Threshold',
      field: 'thresholdDisplay',
      headerStyle: compactCellPadding,
      cellStyle: { ...compactCellPadding, minWidth: 130 },
      render: row => (
        <Stack spacing={0.5} alignItems="flex-start">
          <Typography variant="body2">{row.thresholdDisplay}</Typography>
          <Typography variant="caption" color="text.secondary">
            for {row.for}
          </Typography>
          <SourceChip source={row.source} annotation={row.annotation} />
        </Stack>
      ),
    },
    {
      title: 'PromQL',
      field: 'promql',
      headerStyle: { paddingLeft: 8 },
      cellStyle: { paddingLeft: 8, minWidth: 140 },
      render: row => (
        <Box
          component="code"
          sx={{
            fontFamily: 'monospace',
            fontSize: '0.8rem',
            overflowWrap: 'anywhere',
          }}
        >
          {row.promql}
        </Box>
      ),
    },
  ];
  // material-table decorates its rows in place; hand it copies.
  const data: Row[] = targets.map(t => ({ ...t, id: t.signal }));
  return (
    <Table<Row>
      title="RED targets"
      subtitle={
        live && live.status !== 'ok'
          ? `Live data: ${live.status}${live.reason ? ` — ${live.reason}` : ''}`
          : undefined
      }
      options={staticTableOptions}
      columns={columns}
      data={data}
      emptyContent={
        <Typography sx={{ p: 2 }} color="text.secondary">
          No RED targets could be computed for this entity.
        </Typography>
      }
    />
  );
}
