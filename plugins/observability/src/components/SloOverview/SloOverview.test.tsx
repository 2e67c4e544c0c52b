import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { EntitySloResponse } from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { SloOverview } from './SloOverview';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';
import {
  NO_TRAFFIC_REASON,
  PROMETHEUS_REFUSED,
  checkoutSlos,
  notConfiguredSlos,
  suggestedSlos,
  troubledSlos,
  unreachableSlos,
} from '../../__testUtils__/sloFixtures';

const checkout = { kind: 'Component', namespace: 'default', name: 'checkout' };

function renderOverview(
  getEntitySlos: () => Promise<EntitySloResponse>,
  onPropose?: jest.Mock,
) {
  const api = mockObservabilityApi({ getEntitySlos });
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <SloOverview entityRef={checkout} onPropose={onPropose} />
    </TestApiProvider>,
  ).then(() => api);
}

const row = (name: string) => screen.getByRole('row', { name });

describe('SloOverview', () => {
  it('shows progress while loading', async () => {
    await renderOverview(pending);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error and what to do', async () => {
    await renderOverview(() => Promise.reject(new Error('Bad gateway')));
    expect(
      await screen.findByText(/Service health could not be loaded/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/It is asked again with the tab's live parts/),
    ).toBeInTheDocument();
  });

  it('renders one row per SLO with budget, burn rate and status', async () => {
    const api = await renderOverview(async () => checkoutSlos);
    expect(api.getEntitySlos).toHaveBeenCalledWith(checkout);
    await screen.findByRole('table', { name: 'Service-level objectives' });

    const availability = within(row('Availability'));
    expect(
      availability.getByText('99.9 % over 30 days, rolling'),
    ).toBeInTheDocument();
    expect(availability.getByText('99.95 %')).toBeInTheDocument();
    expect(availability.getByText('50.0 %')).toBeInTheDocument();
    expect(
      availability.getByText('21.6 min · 1,296 requests'),
    ).toBeInTheDocument();
    expect(availability.getByText('0.4×')).toBeInTheDocument();
    expect(availability.getByText('0.6×')).toBeInTheDocument();
    expect(availability.getByText('—')).toBeInTheDocument();
    expect(availability.getByText('Meeting')).toBeInTheDocument();

    const latency = within(row('Latency ≤ 400 ms'));
    expect(latency.getByText('99 % over 30 days, rolling')).toBeInTheDocument();
    expect(latency.getByText('38.0 %')).toBeInTheDocument();
    expect(latency.getByText('1.2×')).toBeInTheDocument();
    expect(latency.getByText('1.1×')).toBeInTheDocument();
    expect(latency.getByText('9 d 12 h')).toBeInTheDocument();
    expect(latency.getByText('Burning')).toBeInTheDocument();

    const red = within(screen.getByRole('table', { name: 'RED now' }));
    const errors = within(red.getByRole('row', { name: /Error ratio/ }));
    expect(errors.getByText('0.05 %')).toBeInTheDocument();
    expect(errors.getByText('1 %')).toBeInTheDocument();
    expect(errors.getByText('ok')).toBeInTheDocument();
    expect(
      within(red.getByRole('row', { name: /Latency P99/ })).getByText('245 ms'),
    ).toBeInTheDocument();

    expect(
      screen.getAllByRole('img', { name: /^Error budget burn-down for/ }),
    ).toHaveLength(2);
  });

  it('says "no data" with the reason, never NaN or 100 %', async () => {
    await renderOverview(async () => troubledSlos);
    await screen.findByRole('table', { name: 'Service-level objectives' });

    const exhausted = within(row('Availability'));
    expect(exhausted.getByText('-50.0 %')).toBeInTheDocument();
    expect(exhausted.getByText('Exhausted')).toBeInTheDocument();
    expect(exhausted.getByText('2.5×')).toBeInTheDocument();

    const empty = row('Latency ≤ 300 ms');
    expect(within(empty).getAllByText('no data')).toHaveLength(4);
    expect(within(empty).getByText('No data')).toBeInTheDocument();
    expect(within(empty).getByText(NO_TRAFFIC_REASON)).toBeInTheDocument();
    expect(empty).not.toHaveTextContent(/NaN|100 %/);

    const red = within(screen.getByRole('table', { name: 'RED now' }));
    expect(
      within(red.getByRole('row', { name: /Error ratio/ })).getByText(
        'breached',
      ),
    ).toBeInTheDocument();
    expect(
      within(red.getByRole('row', { name: /Latency P99/ })).getAllByText(
        'no data',
      ),
    ).toHaveLength(2);
  });

  it('shows how a budget is computed, with copyable queries', async () => {
    await renderOverview(async () => checkoutSlos);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'How Availability is computed',
      }),
    );
    const info = await screen.findByRole('dialog', {
      name: 'How Availability is computed',
    });
    expect(info).toHaveTextContent(checkoutSlos.slos[0].formula);
    expect(info).toHaveTextContent("Numbers from Redline's recording rules");
    const queries = within(info).getAllByRole('listitem');
    expect(queries).toHaveLength(2);
    // The snippet highlights asynchronously.
    await waitFor(() =>
      expect(queries[0]).toHaveTextContent(checkoutSlos.slos[0].queries[0]),
    );
    expect(within(info).getAllByRole('button', { name: /copy/i })).toHaveLength(
      2,
    );
  });

  it('proposes an SLO for a service without one, from its data', async () => {
    const onPropose = jest.fn();
    await renderOverview(async () => suggestedSlos, onPropose);
    expect(
      await screen.findByText(/This service declares no SLO/),
    ).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'RED now' })).toHaveTextContent(
      '12.5 req/s',
    );
    const proposal = screen.getByRole('region', {
      name: 'Proposed SLO: Availability',
    });
    expect(proposal).toHaveTextContent(
      'Achieved 99.97 % over the last 28 days of http_requests_total.',
    );
    expect(proposal).toHaveTextContent(
      'metadata: annotations: redline.dev/slo-availability: "99.9"',
    );
    await userEvent.click(
      within(proposal).getByRole('button', { name: 'Propose this SLO' }),
    );
    expect(onPropose).toHaveBeenCalledWith(suggestedSlos.suggestions![0]);
  });

  it('offers only the snippet when the dialog cannot open', async () => {
    await renderOverview(async () => suggestedSlos);
    await screen.findByRole('region', { name: 'Proposed SLO: Availability' });
    expect(
      screen.queryByRole('button', { name: 'Propose this SLO' }),
    ).not.toBeInTheDocument();
  });

  it('explains an unreachable Prometheus', async () => {
    await renderOverview(async () => unreachableSlos);
    expect(
      await screen.findByText('Prometheus could not be reached'),
    ).toBeInTheDocument();
    expect(screen.getByText(new RegExp(PROMETHEUS_REFUSED))).toHaveTextContent(
      'check that the instance under observability.prometheus.instances is up',
    );
  });

  it('explains a missing Prometheus configuration', async () => {
    await renderOverview(async () => notConfiguredSlos);
    expect(
      await screen.findByText('No Prometheus is configured'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/No RED data: Redline found no request metrics/),
    ).toBeInTheDocument();
  });
});
