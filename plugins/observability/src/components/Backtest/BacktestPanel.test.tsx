import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { BacktestReport } from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';
import {
  backtestAlert,
  backtestReport,
  noisyErrorRate,
} from '../../__testUtils__/backtestFixtures';
import { BacktestPanel } from './BacktestPanel';

const checkout = { kind: 'Component', namespace: 'default', name: 'checkout' };
const report = backtestReport([
  noisyErrorRate({ for: '5m' }),
  backtestAlert('HighLatencyP99'),
  backtestAlert('TrafficDrop', {
    status: 'no-series',
    reason:
      'no samples in the last 7 days for http_requests_total{service="checkout"}',
    // Never deployed: Prometheus has no record to compare with.
    actual: undefined,
  }),
]);

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
