import { configure, screen, waitFor, within } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import type { ObservabilityApi } from '../../api';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';
import {
  BACKTEST_START as START,
  backtestAlert as alert,
  backtestReport as report,
  episode,
  noisyErrorRate,
} from '../../__testUtils__/backtestFixtures';
import {
  entityRef,
  fastUser,
  noHistory,
  renderDialog,
} from '../../__testUtils__/scaffoldDialog';

// Role queries skip the per-element visibility walk (see the dialog's main test).
configure({ defaultHidden: true });

/** Checkout's catalog thresholds: a noisy error-rate alert, a quiet latency one. */
const catalogBacktest = report([
  noisyErrorRate({ query: 'error_ratio > 0.005' }),
  alert('HighLatencyP99', { query: 'p99 > 0.4' }),
]);

/** The same week at a 2 % error-rate threshold. */
const tunedBacktest = report([
  alert('HighErrorRate', {
    query: 'error_ratio > 0.02',
    fired: 1,
    firingMinutes: 12,
    longestMinutes: 12,
    episodes: [episode(86, 12)],
    sparkline: [
      [START, 0],
      [START + 86_400, 12],
    ],
  }),
  alert('HighLatencyP99', { query: 'p99 > 0.4' }),
]);

const backtestBy: ObservabilityApi['getEntityBacktest'] = async (
  _entity,
  options,
) =>
  options?.thresholds?.errorRateThreshold === '2'
    ? tunedBacktest
    : catalogBacktest;

async function renderWithBacktest(
  getEntityBacktest: ObservabilityApi['getEntityBacktest'],
  extra: Partial<ObservabilityApi> = {},
  options: { scaffolder?: boolean } = {},
) {
  const api = mockObservabilityApi({
    getArtifact: pending,
    getApplyHistory: noHistory,
    getEntityBacktest,
    ...extra,
  });
  await renderDialog(api, { backtest: true, canApply: false, ...options });
  return api;
}

function backtestSection() {
  return screen.getByRole('region', { name: 'Backtest: the last 7 days' });
}

describe('ScaffoldAlertsDialog backtest', () => {
  let user: ReturnType<typeof fastUser>;
  beforeEach(() => {
    user = fastUser();
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows progress while the backtest runs, without holding back the files', async () => {
    await renderWithBacktest(pending);
    expect(
      within(backtestSection()).getByTestId('progress'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Grafana dashboard')).toBeInTheDocument();
  });

  it('says beside each alert how often it would have fired, when, and what Prometheus recorded', async () => {
    const api = await renderWithBacktest(backtestBy);
    expect(api.getEntityBacktest).toHaveBeenCalledWith(entityRef);
    const section = backtestSection();
    expect(
      await within(section).findByText(
        /would have fired 3× in 7 days, 41 min in all/,
      ),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(/Prometheus recorded 1×, 19 min/),
    ).toBeInTheDocument();
    expect(
      within(section).getByRole('img', {
        name: 'When HighErrorRate would have fired over 7 days',
      }),
    ).toBeInTheDocument();
    expect(
      within(section).getByText(/would not have fired in 7 days/),
    ).toBeInTheDocument();
    // The catalog's thresholds fill the fields.
    expect(
      within(section).getByRole('textbox', { name: 'Error rate (%)' }),
    ).toHaveValue('0.5');
    expect(
      within(section).getByRole('textbox', { name: 'P99 latency (ms)' }),
    ).toHaveValue('400');
    expect(
      within(section).getByRole('textbox', { name: 'Traffic drop (%)' }),
    ).toHaveValue('40');
  });

  it('says the series do not exist yet instead of "0 times"', async () => {
    await renderWithBacktest(async () =>
      report([
        alert('HighErrorRate', {
          status: 'no-series',
          reason: 'no samples in the last 7 days for http_requests_total',
        }),
      ]),
    );
    expect(
      await within(backtestSection()).findByText(
        /series these alerts read do not exist yet/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/would not have fired/)).not.toBeInTheDocument();
  });

  it('shows why the backtest failed and keeps the rest of the dialog usable', async () => {
    await renderWithBacktest(() =>
      Promise.reject(new Error('No Prometheus to backtest on')),
    );
    expect(
      await within(backtestSection()).findByText(
        /The backtest could not be run/,
      ),
    ).toBeInTheDocument();
    await user.click(screen.getByLabelText('Grafana dashboard'));
    expect(screen.getByLabelText('Grafana dashboard')).not.toBeChecked();
  });

  it('re-runs the backtest with a changed threshold, shows before → after and proposes the value', async () => {
    const api = await renderWithBacktest(backtestBy, {}, { scaffolder: true });
    const section = backtestSection();
    await within(section).findByText(/would have fired 3× in 7 days/);
    const field = within(section).getByRole('textbox', {
      name: 'Error rate (%)',
    });
    await user.clear(field);
    await user.type(field, '2');

    expect(
      await within(section).findByText(
        'Before → after: 3×, 41 min → 1×, 12 min',
        {},
        { timeout: 3000 },
      ),
    ).toBeInTheDocument();
    // One request per pause in typing, with the changed value only.
    expect(api.getEntityBacktest).toHaveBeenCalledTimes(2);
    expect(api.getEntityBacktest).toHaveBeenLastCalledWith(entityRef, {
      thresholds: { errorRateThreshold: '2' },
    });
    expect(
      within(section).getByText(/would have fired 1× in 7 days, 12 min/),
    ).toBeInTheDocument();

    const snippet = screen.getByRole('region', {
      name: 'Threshold annotations',
    });
    // The snippet's highlighter loads its YAML grammar asynchronously.
    await waitFor(() =>
      expect(snippet).toHaveTextContent(
        'redline.dev/error-rate-threshold: "2"',
      ),
    );
    const link = screen.getByRole('link', { name: 'Open pull request' });
    const url = new URL(link.getAttribute('href')!, 'http://localhost');
    expect(
      JSON.parse(url.searchParams.get('formData')!).proposedAnnotations,
    ).toEqual({ 'redline.dev/error-rate-threshold': '2' });
  });

  it('writes a latency in milliseconds as such, and shows the 400 naming a refused value', async () => {
    const refused = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'InputError',
            message:
              'Invalid query: latencyP99Threshold: "9000000ms" is not a duration such as "500ms"',
          },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    const api = await renderWithBacktest(async (_entity, options) => {
      if (options?.thresholds) throw refused;
      return catalogBacktest;
    });
    const section = backtestSection();
    await within(section).findByText(/would have fired 3× in 7 days/);
    const field = within(section).getByRole('textbox', {
      name: 'P99 latency (ms)',
    });
    await user.clear(field);
    await user.type(field, '9000000');
    expect(
      await within(section).findByText(
        /latencyP99Threshold: "9000000ms" is not a duration/,
        {},
        { timeout: 3000 },
      ),
    ).toBeInTheDocument();
    expect(api.getEntityBacktest).toHaveBeenLastCalledWith(entityRef, {
      thresholds: { latencyP99Threshold: '9000000ms' },
    });
    expect(
      screen.queryByRole('region', { name: 'Threshold annotations' }),
    ).not.toBeInTheDocument();
  });

  it('downloads the SLOs as OpenSLO', async () => {
    const saved: string[] = [];
    Object.assign(URL, {
      createObjectURL: jest.fn(() => 'blob:fake'),
      revokeObjectURL: jest.fn(),
    });
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function recordClick(this: HTMLAnchorElement) {
        saved.push(this.download);
      });
    const api = await renderWithBacktest(backtestBy, {
      getOpenSlo: async () => ({
        blob: new Blob(['apiVersion: openslo/v1\n']),
        fileName: 'checkout-openslo.yaml',
      }),
    });
    await user.click(screen.getByRole('button', { name: 'Download OpenSLO' }));
    await waitFor(() => expect(saved).toEqual(['checkout-openslo.yaml']));
    expect(api.getOpenSlo).toHaveBeenCalledWith(entityRef);
  });
});
