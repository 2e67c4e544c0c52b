import { Table, type TableColumn } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type {
  EntityViewResponse,
  RedTarget,
} from '@redline/backstage-plugin-observability-common';
import { formatValue } from '../../lib/format';
import { Sparkline } from '../Sparkline';
import { staticTableOptions } from '../../lib/tableOptions';
import { TitleWithCaption } from '../TitleWithCaption';

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
  const columns: TableColumn<Row>[] = [
    {
      title: 'Signal',
      field: 'name',
      cellStyle: { minWidth: 160, maxWidth: 260 },
      render: row => (
        <TitleWithCaption title={row.name} caption={row.description} />
      ),
    },
    {
      title: 'PromQL',
      field: 'promql',
      cellStyle: { minWidth: 320 },
      render: row => (
        <Box
          component="code"
          sx={{
            fontFamily: 'monospace',
            fontSize: '0.8rem',
            wordBreak: 'break-all',
          }}
        >
          {row.promql}
        </Box>
      ),
    },
    {
      title: 'Threshold',
      field: 'thresholdDisplay',
      cellStyle: { whiteSpace: 'nowrap' },
    },
    { title: 'For', field: 'for', cellStyle: { whiteSpace: 'nowrap' } },
    {
      title: 'Source',
      field: 'source',
      render: row => (
        <SourceChip source={row.source} annotation={row.annotation} />
      ),
    },
  ];
  if (live) {
    columns.push({
      title: 'Live',
      field: 'signal',
      render: row => {
        const value = liveBySignal.get(row.signal);
        if (!value)
          return (
            <Typography variant="body2" color="text.secondary">
              no data
            </Typography>
          );
        return (
          <Box
            sx={{
              display: 'flex',
              alignItems: 'center',
              gap: 1,
              whiteSpace: 'nowrap',
            }}
          >
            <span>{formatValue(value.value, value.unit ?? row.unit)}</span>
            <Sparkline points={value.trend} label={`${row.name} trend`} />
          </Box>
        );
      },
    });
  }
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
