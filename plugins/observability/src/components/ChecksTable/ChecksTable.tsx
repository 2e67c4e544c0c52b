import {
  CodeSnippet,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import type {
  CheckResult,
  CheckStatus,
} from '@redline/backstage-plugin-observability-common';
import { staticTableOptions } from '../../lib/tableOptions';
import { TitleWithCaption } from '../TitleWithCaption';

/** @public */
export interface ChecksTableProps {
  checks: CheckResult[];
}

const statusLabel: Record<CheckStatus, string> = {
  pass: 'Pass',
  warn: 'Warn',
  fail: 'Fail',
  unknown: 'Unknown',
};
const statusOrder: Record<CheckStatus, number> = {
  fail: 0,
  warn: 1,
  unknown: 2,
  pass: 3,
};

/** Icon plus text: colour alone would not reach screen-reader or colour-blind users. */
export function CheckStatusLabel({ status }: { status: CheckStatus }) {
  const text = statusLabel[status];
  switch (status) {
    case 'pass':
      return <StatusOK>{text}</StatusOK>;
    case 'warn':
      return <StatusWarning>{text}</StatusWarning>;
    case 'fail':
      return <StatusError>{text}</StatusError>;
    default:
      return <StatusPending>{text}</StatusPending>;
  }
}

/** A fix that looks like YAML (several lines or `key: value`) is shown as a copyable snippet. */
function Fix({ fix }: { fix?: string }) {
  if (!fix) return null;
  const looksLikeYaml = fix.includes('\n') || /^[\w./-]+:\s/.test(fix);
  return looksLikeYaml ? (
    <CodeSnippet
      text={fix}
      language="yaml"
      showCopyCodeButton
      // A long URL in the YAML would otherwise set the table's width.
      wrapLongLines
      customStyle={{ overflowWrap: 'anywhere' }}
    />
  ) : (
    <Typography variant="body2">{fix}</Typography>
  );
}

type Row = CheckResult & { rowId: string };

/**
 * Every check with its status and, for what does not pass, the fix. Failing
 * checks come first; passing ones stay folded behind "N passing", since a
 * score of them pushed what is wrong off the screen.
 * @public
 */
export function ChecksTable({ checks }: ChecksTableProps) {
  const [showPassing, setShowPassing] = useState(false);
  const columns: TableColumn<Row>[] = [
    {
      title: 'Status',
      field: 'status',
      // Widths for the two short columns; the message and its fix get the rest.
      width: '120px',
      cellStyle: { whiteSpace: 'nowrap' },
      render: row => <CheckStatusLabel status={row.status} />,
    },
    {
      title: 'Check',
      field: 'title',
      width: '240px',
      cellStyle: { minWidth: 160 },
      render: row => (
        <TitleWithCaption title={row.title} caption={row.category} />
      ),
    },
    {
      // The fix sits under the message: a separate column squeezed both on narrow screens.
      title: 'Message and fix',
      field: 'message',
      cellStyle: { minWidth: 320 },
      render: row => (
        <>
          <Typography variant="body2">{row.message}</Typography>
          {row.fix && (
            <Box sx={{ mt: 1 }}>
              <Fix fix={row.fix} />
            </Box>
          )}
        </>
      ),
    },
  ];
  const passing = checks.filter(c => c.status === 'pass').length;
  const data = [...checks]
    .filter(check => showPassing || check.status !== 'pass')
    .sort((a, b) => statusOrder[a.status] - statusOrder[b.status])
    .map(check => ({ ...check, rowId: check.id }));
  return (
    <Box>
      <Table<Row>
        title={`Checks (${checks.length - passing} not passing)`}
        options={staticTableOptions}
        columns={columns}
        data={data}
        emptyContent={
          <Typography sx={{ p: 2 }} color="text.secondary">
            {checks.length === 0
              ? 'No checks were run for this entity.'
              : `All ${checks.length} checks pass.`}
          </Typography>
        }
      />
      {passing > 0 && (
        <Button
          sx={{ mt: 1 }}
          aria-expanded={showPassing}
          onClick={() => setShowPassing(shown => !shown)}
        >
          {showPassing ? `Hide ${passing} passing` : `${passing} passing`}
        </Button>
      )}
    </Box>
  );
}
