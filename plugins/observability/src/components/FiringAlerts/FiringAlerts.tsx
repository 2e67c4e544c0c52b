import { Link } from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import ListSubheader from '@mui/material/ListSubheader';
import Typography from '@mui/material/Typography';
import type { FiringAlert } from '@redline/backstage-plugin-observability-common';
import { silenceUrl } from '../EntityObservabilityContent/linksOut';

/** @public */
export interface FiringAlertsProps {
  alerts: FiringAlert[];
  /** Why the list may be incomplete, e.g. Alertmanager unreachable. */
  unknownReason?: string;
  /** The entity's Alertmanager, for a silence link on each firing alert. */
  alertmanagerUrl?: string;
}

/**
 * The card's title: firing and suppressed (inhibited or silenced) alerts
 * counted apart, as the checks count them; one number for both read as
 * ten alerts firing when four were.
 * @public
 */
export function firingAlertsTitle(alerts: FiringAlert[]): string {
  const count = (state: FiringAlert['state']) =>
    alerts.filter(a => a.state === state).length;
  const others = (['suppressed', 'pending'] as const)
    .map(state => ({ state, n: count(state) }))
    .filter(({ n }) => n > 0)
    .map(({ state, n }) => `${n} ${state}`);
  return `Firing alerts (${count('firing')})${
    others.length ? ` · ${others.join(', ')}` : ''
  }`;
}

const severityRank = (severity?: string) =>
  ((
    { critical: 0, page: 0, error: 1, warning: 2, info: 3 } as Record<
      string,
      number
    >
  )[severity ?? ''] ?? 4);

/**
 * Live alerts grouped by severity (the backend has already folded duplicates,
 * see `count`), worst group first — the seed's "aggregate and dedupe" answer
 * to an alert storm.
 * @public
 */
export function FiringAlerts({
  alerts,
  unknownReason,
  alertmanagerUrl,
}: FiringAlertsProps) {
  if (alerts.length === 0) {
    return (
      <Box>
        {unknownReason && (
          <Alert severity="info" sx={{ mb: 1 }}>
            Live alerts unavailable: {unknownReason}
          </Alert>
        )}
        <Typography color="text.secondary">
          No alerts are firing for this entity.
        </Typography>
      </Box>
    );
  }
  const groups = new Map<string, FiringAlert[]>();
  for (const alert of alerts) {
    const key = alert.severity ?? 'unspecified';
    groups.set(key, [...(groups.get(key) ?? []), alert]);
  }
  const ordered = [...groups.entries()].sort(
    ([a], [b]) => severityRank(a) - severityRank(b),
  );
  return (
    <Box>
      {ordered.map(([severity, items]) => (
        <List
          key={severity}
          dense
          aria-label={`${severity} alerts`}
          subheader={
            <ListSubheader
              disableSticky
            >{`${severity} (${items.length})`}</ListSubheader>
          }
        >
          {items.map(alert => (
            <ListItem key={`${alert.name}-${JSON.stringify(alert.labels)}`}>
              <ListItemText
                primary={
                  <Box
                    component="span"
                    sx={{
                      display: 'flex',
                      gap: 1,
                      alignItems: 'center',
                      flexWrap: 'wrap',
                    }}
                  >
                    <span>{alert.name}</span>
                    <Chip
                      size="small"
                      label={alert.state}
                      color={alert.state === 'firing' ? 'error' : 'default'}
                      variant={alert.state === 'firing' ? 'filled' : 'outlined'}
                    />
                    {alert.count > 1 && (
                      <Chip
                        size="small"
                        variant="outlined"
                        label={`×${alert.count}`}
                      />
                    )}
                    {alert.annotations.runbook_url && (
                      <Link to={alert.annotations.runbook_url} variant="body2">
                        Runbook
                      </Link>
                    )}
                    {alertmanagerUrl && alert.state === 'firing' && (
                      <Link
                        to={silenceUrl(alertmanagerUrl, alert)}
                        variant="body2"
                        aria-label={`Silence ${alert.name}`}
                      >
                        Silence
                      </Link>
                    )}
                  </Box>
                }
                secondary={[
                  alert.annotations.summary,
                  alert.activeAt &&
                    `since ${new Date(alert.activeAt).toLocaleString()}`,
                ]
                  .filter(Boolean)
                  .join(' — ')}
              />
            </ListItem>
          ))}
        </List>
      ))}
    </Box>
  );
}
