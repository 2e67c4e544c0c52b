import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  BacktestAlertResult,
  BacktestReport,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';
import { BacktestPanel } from './BacktestPanel';

const checkout = { kind: 'Component', namespace: 'default', name: 'checkout' };
const START = Date.UTC(2026, 9, 1) / 1000;

const alert = (
  key: string,
  overrides: Partial<BacktestAlertResult>,
): BacktestAlertResult => ({
  key,
  name: key,
  severity: 'warning',
  labels: { service: 'checkout' },
  status: 'evaluated',
  query: 'x > 1',
  fired: 0,
  firingMinutes: 0,
  longestMinutes: 0,
  episodes: [],
  sparkline: [],
  ...overrides,
});

const episode = (hoursIn: number, minutes: number) => ({
  start: START + hoursIn * 3600,
  end: START + hoursIn * 3600 + minutes * 60,
  minutes,
  ongoing: false,
  labels: { service: 'checkout' },
});

const report: BacktestReport = {
  entityRef: 'component:default/checkout',
  days: 7,
  start: START,
  end: START + 7 * 86_400,
  stepSeconds: 60,
  queries: 4,
  alerts: [
    alert('HighErrorRate', {
      for: '5m',
      fired: 3,
      firingMinutes: 41,
      longestMinutes: 19,
      episodes: [episode(34, 19), episode(86, 12), episode(122, 10)],
      sparkline: [
        [START, 0],
        [START + 86_400, 19],
        [START + 2 * 86_400, 22],
      ],
      actual: {
        fired: 1,
        firingMinutes: 19,
        longestMinutes: 19,
        episodes: [episode(34, 19)],
      },
    }),
    alert('HighLatencyP99', {
      actual: { fired: 0, firingMinutes: 0, longestMinutes: 0, episodes: [] },
    }),
    alert('TrafficDrop', {
      status: 'no-series',
      reason:
        'no samples in the last 7 days for http_requests_total{service="checkout"}',
    }),
  ],
};

function renderPanel(
  getEntityBacktest: () => Promise<BacktestReport>,
  alertKeys?: string[],
) {
  const api = mockObservabilityApi({ getEntityBacktest });
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <BacktestPanel entityRef={checkout} alertKeys={alertKeys} />
    </TestApiProvider>,
  ).then(() => api);
}

describe('BacktestPanel', () => {
  it('shows progress while the backtest runs', async () => {
    await renderPanel(pending);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows why when the backtest fails', async () => {
    await renderPanel(() =>
      Promise.reject(new Error('days: must be at most 30 days')),
    );
    expect(
      await screen.findByText(/The backtest could not be run/),
    ).toBeInTheDocument();
  });

  it('says per alert how often it would have fired, when, and what Prometheus recorded', async () => {
    const api = await renderPanel(async () => report);
    expect(api.getEntityBacktest).toHaveBeenCalledWith(checkout, {
      days: 7,
      instance: undefined,
    });
    expect(
      await screen.findByText(
        /would have fired 3× in 7 days, 41 min in all \(longest 19 min\)/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /From 2026-10-02 10:00, 2026-10-04 14:00, 2026-10-06 02:00 UTC · Prometheus recorded 1×, 19 min/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'When HighErrorRate would have fired over 7 days',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/would not have fired in 7 days/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Prometheus recorded no firing/),
    ).toBeInTheDocument();
    // Missing series are said, never shown as "0 times".
    expect(
      screen.getByText(
        /its series do not exist yet \(no samples in the last 7 days/,
      ),
    ).toBeInTheDocument();
  });

  it('shows only the alerts asked for', async () => {
    await renderPanel(async () => report, ['TrafficDrop']);
    expect(
      await screen.findByText(/its series do not exist yet/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/would have fired/)).not.toBeInTheDocument();
  });
});
