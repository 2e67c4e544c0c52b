import { type ReactNode, useEffect, useState } from 'react';
import Alert, { type AlertColor } from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import type { EntityViewResponse } from '@redline/backstage-plugin-observability-common';
import { asOfText } from './liveAge';

/** @public */
export interface LiveStatusBannerProps {
  view: EntityViewResponse;
  asOf?: number;
  refreshing: boolean;
  liveError?: Error;
  intervalSeconds: number;
}

/** An alert named by its title, so assistive technology announces what it is about. */
function Banner({
  severity,
  title,
  children,
}: {
  severity: AlertColor;
  title: string;
  children: ReactNode;
}) {
  return (
    <Alert severity={severity} aria-label={title}>
      <AlertTitle>{title}</AlertTitle>
      {children}
    </Alert>
  );
}

/** Re-renders every second, so the age it prints keeps counting. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * Why the live parts of the tab are missing or old, as a banner at the top:
 * Prometheus failing ("unavailable") reads differently from Prometheus
 * answering with nothing ("no data": no traffic), and a stopped rule
 * evaluator is an error, since every alert of the service has gone silent.
 * @public
 */
export function LiveStatusBanner({
  view,
  asOf,
  refreshing,
  liveError,
  intervalSeconds,
}: LiveStatusBannerProps) {
  const now = useNow();
  const { live, evaluator } = view;
  const banners = [];

  if (evaluator?.status === 'stopped') {
    banners.push(
      <Banner
        key="evaluator"
        severity="error"
        title="Rule evaluation has stopped"
      >
        {evaluator.reason}
      </Banner>,
    );
  }
  if (asOf === undefined && refreshing) {
    banners.push(
      <Banner key="waiting" severity="info" title="Waiting for Prometheus">
        The configuration, generated rules and findings below do not depend on
        it; live values, deployment state and live checks fill in when it
        answers.
      </Banner>,
    );
  } else if (liveError) {
    banners.push(
      <Banner
        key="failed"
        severity="warning"
        title="Live parts could not be refreshed"
      >
        {liveError.message}
        {asOf !== undefined
          ? ` Showing what was read ${asOfText(asOf, now)}.`
          : ''}
      </Banner>,
    );
  } else if (live && live.status !== 'ok') {
    banners.push(
      <Banner
        key="unavailable"
        severity="warning"
        title="Prometheus unavailable"
      >
        {live.reason ?? 'Prometheus did not answer.'} Live values, deployment
        state and the checks that need Prometheus are unknown, not passing.
      </Banner>,
    );
  } else if (live && live.values.every(v => v.value === null)) {
    banners.push(
      <Banner key="nodata" severity="info" title="No data: no traffic">
        Prometheus answered, but has no recent requests for this service.
      </Banner>,
    );
  }

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      {banners}
      <Typography
        variant="body2"
        color="text.secondary"
        role="status"
        sx={{ display: 'flex', alignItems: 'center', gap: 1 }}
      >
        {asOf !== undefined
          ? `Live parts ${asOfText(
              asOf,
              now,
            )} · refreshed every ${intervalSeconds} s and when this window regains focus`
          : 'Live parts not read yet'}
        {refreshing && (
          <CircularProgress size={12} aria-label="Refreshing live parts" />
        )}
      </Typography>
    </Box>
  );
}
