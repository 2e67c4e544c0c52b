import type { ReactElement } from 'react';
import Chip from '@mui/material/Chip';
import CheckCircleOutline from '@mui/icons-material/CheckCircleOutline';
import ErrorOutline from '@mui/icons-material/ErrorOutline';
import HelpOutline from '@mui/icons-material/HelpOutline';
import WhatshotOutlined from '@mui/icons-material/WhatshotOutlined';
import type { SloHealth } from '@redline/backstage-plugin-observability-common';

const LOOK: Record<
  SloHealth,
  {
    label: string;
    color: 'success' | 'warning' | 'error' | 'default';
    icon: ReactElement;
  }
> = {
  meeting: {
    label: 'Meeting',
    color: 'success',
    icon: <CheckCircleOutline />,
  },
  burning: { label: 'Burning', color: 'warning', icon: <WhatshotOutlined /> },
  exhausted: { label: 'Exhausted', color: 'error', icon: <ErrorOutline /> },
  'no-data': { label: 'No data', color: 'default', icon: <HelpOutline /> },
};

/**
 * An SLO's health as text plus icon plus colour, so it reads without colour
 * vision; the no-data reason rides along as the chip's accessible description
 * and is also printed beside it by the row.
 * @public
 */
export function SloHealthChip({
  health,
  reason,
}: {
  health: SloHealth;
  reason?: string;
}) {
  const look = LOOK[health] ?? LOOK['no-data'];
  return (
    <Chip
      size="small"
      variant={health === 'no-data' ? 'outlined' : 'filled'}
      color={look.color}
      icon={look.icon}
      label={look.label}
      title={reason}
    />
  );
}
