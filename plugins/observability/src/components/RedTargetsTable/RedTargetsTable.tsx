import { Table, type TableColumn } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Chip, { chipClasses } from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type {
  EntityViewResponse,
  RedTarget,
} from '@redline/backstage-plugin-observability-common';
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
 * provenance of each value; with live data, the current value and a trend.
 * @public
 */
export function RedTargetsTable({ targets, live }: RedTargetsTableProps) {
  const liveBySignal = new Map(live?.values.map(v => [v.signal, v]) ?? []);
  // Fits its card down to 1024 px: the live value comes right after the
  // signal, long PromQL and annotation names wrap instead of widening the table.
  const liveColumn: TableColumn<Row>[] = live
    ? [
        {
          title: 'Live',
          field: 'signal',
          cellStyle: { minWidth: 110 },
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
      cellStyle: { minWidth: 120, maxWidth: 220 },
      render: row => (
        <TitleWithCaption title={row.name} caption={row.description} />
      ),
    },
    ...liveColumn,
    {
      title: 'Threshold',
      field: 'thresholdDisplay',
      cellStyle: { minWidth: 90 },
    },
    { title: 'For', field: 'for', cellStyle: { whiteSpace: 'nowrap' } },
    {
      title: 'Source',
      field: 'source',
      cellStyle: { maxWidth: 200 },
      render: row => (
        <SourceChip source={row.source} annotation={row.annotation} />
      ),
    },
    {
      title: 'PromQL',
      field: 'promql',
      cellStyle: { minWidth: 180 },
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
