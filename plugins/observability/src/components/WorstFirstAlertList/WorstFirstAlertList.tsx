import type { ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';

type Severity = 'error' | 'warning' | 'info';

const worstFirst: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Findings as a list of alerts, errors first, so what is broken is read
 * before what could be better; `children` fills each finding's alert, and
 * `emptyText` says what no findings means.
 */
export function WorstFirstAlertList<Item extends { severity: Severity }>({
  label,
  items,
  emptyText,
  itemKey,
  children,
}: {
  /** Accessible name of the list. */
  label: string;
  items: readonly Item[];
  emptyText: string;
  itemKey: (item: Item, index: number) => string;
  children: (item: Item) => ReactNode;
}) {
  if (items.length === 0)
    return <Typography color="text.secondary">{emptyText}</Typography>;
  const sorted = [...items].sort(
    (a, b) => worstFirst[a.severity] - worstFirst[b.severity],
  );
  return (
    <Stack
      spacing={1}
      component="ul"
      sx={{ listStyle: 'none', p: 0, m: 0 }}
      aria-label={label}
    >
      {sorted.map((item, index) => (
        <li key={itemKey(item, index)}>
          <Alert severity={item.severity}>{children(item)}</Alert>
        </li>
      ))}
    </Stack>
  );
}
