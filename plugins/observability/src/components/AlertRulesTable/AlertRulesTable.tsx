import { useId, useState } from 'react';
import { Link, Table, type TableColumn } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip, { chipClasses } from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { AlertView } from '@redline/backstage-plugin-observability-common';
import { safeHttpUrl } from '../../lib/format';
import { compactCellPadding } from '../../lib/tableLayout';
import { staticTableOptions } from '../../lib/tableOptions';
import { TitleWithCaption } from '../TitleWithCaption';

/** @public */
export interface AlertRulesTableProps {
  alerts: AlertView[];
}

/** PromQL can be long; it is shown only when asked for, keeping the table scannable. */
export function ExpressionToggle({
  name,
  expr,
}: {
  name: string;
  expr: string;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <Box>
      <Button
        size="small"
        aria-expanded={open}
        aria-controls={id}
        aria-label={`${open ? 'Hide' : 'Show'} expression of ${name}`}
        onClick={() => setOpen(o => !o)}
      >
        {/* Short words under the "Expression" header; the accessible name
            says which alert's expression. */}
        {open ? 'Hide' : 'Show'}
      </Button>
      {open && (
        <Box
          component="pre"
          id={id}
          sx={{
            fontFamily: 'monospace',
            fontSize: '0.8rem',
            whiteSpace: 'pre-wrap',
            wordBreak: 'break-all',
            bgcolor: 'action.hover',
            p: 1,
            borderRadius: 1,
            m: 0,
          }}
        >
          {expr}
        </Box>
      )}
    </Box>
  );
}

const severityColor = {
  critical: 'error',
  warning: 'warning',
  info: 'info',
} as const;

const wrapLabel = { whiteSpace: 'normal', textAlign: 'center' } as const;

const deployedChip = {
  yes: { color: 'success', label: 'deployed' },
  no: { color: 'warning', label: 'not deployed' },
  unknown: { color: 'default', label: 'deployment unknown' },
} as const;

function StateChips({ alert }: { alert: AlertView }) {
  const deployed = deployedChip[alert.deployed];
  return (
    <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
      <Chip
        size="small"
        variant="outlined"
        color={deployed.color}
        label={deployed.label}
        // "deployment unknown" wraps inside the chip rather than widening the column.
        sx={{ height: 'auto', [`& .${chipClasses.label}`]: wrapLabel }}
      />
      {alert.firing && <Chip size="small" color="error" label="firing" />}
    </Stack>
  );
}

/**
 * The generated alerting rules with their deployed and firing state.
 * @public
 */
export function AlertRulesTable({ alerts }: AlertRulesTableProps) {
  const columns: TableColumn<AlertView>[] = [
    {
      title: 'Alert',
      field: 'name',
      headerStyle: { paddingRight: 8 },
      // Alert names are long CamelCase words; keep them on one line.
      cellStyle: { paddingRight: 8, whiteSpace: 'nowrap' },
      render: row => {
        // Alerts sharing a name differ by SLO and burn window: say which.
        const variant = [row.labels.slo, row.labels.burn_window]
          .filter(Boolean)
          .join(' · ');
        return <TitleWithCaption title={row.name} caption={variant} />;
      },
    },
    {
      title: 'Severity',
      field: 'severity',
      headerStyle: compactCellPadding,
      cellStyle: compactCellPadding,
      render: row => (
        <Chip
          size="small"
          color={severityColor[row.severity]}
          label={row.severity}
        />
      ),
    },
    {
      title: 'For',
      field: 'for',
      headerStyle: compactCellPadding,
      cellStyle: { ...compactCellPadding, whiteSpace: 'nowrap' },
      render: row => row.for ?? '—',
    },
    {
      title: 'Expression',
      field: 'expr',
      headerStyle: compactCellPadding,
      cellStyle: compactCellPadding,
      render: row => <ExpressionToggle name={row.key} expr={row.expr} />,
    },
    {
      title: 'Runbook',
      field: 'runbookUrl',
      headerStyle: compactCellPadding,
      cellStyle: compactCellPadding,
      render: row => {
        const href = safeHttpUrl(row.runbookUrl);
        return href ? <Link to={href}>Runbook</Link> : '—';
      },
    },
    {
      title: 'State',
      field: 'key',
      headerStyle: { paddingLeft: 8 },
      cellStyle: { paddingLeft: 8 },
      render: row => <StateChips alert={row} />,
    },
  ];
  return (
    <Table<AlertView>
      title="Alert rules"
      options={staticTableOptions}
      columns={columns}
      // material-table writes its own state into row objects: hand it copies, not the view.
      data={alerts.map(alert => ({ ...alert, id: alert.key }))}
      emptyContent={
        <Typography sx={{ p: 2 }} color="text.secondary">
          No alert rules were generated. Describe the service (see above) or use
          Scaffold alerts.
        </Typography>
      }
    />
  );
}
