import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { observabilityApiRef, type ObservabilityApi } from '../../api';
import { EntityObservabilityCard } from './EntityObservabilityCard';
import {
  catalogEntity,
  checkoutView,
  demoView,
  legacyBillingView,
  NO_LIVE_SOURCES,
} from '../../__testUtils__/fixtures';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';

function renderCard(api: ObservabilityApi, name = 'checkout') {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <EntityProvider entity={catalogEntity(name)}>
        <EntityObservabilityCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('EntityObservabilityCard', () => {
  it('shows progress while loading', async () => {
    await renderCard(mockObservabilityApi({ getEntityView: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows an error panel', async () => {
    await renderCard(
      mockObservabilityApi({
        getEntityView: () => Promise.reject(new Error('view failed')),
      }),
    );
    expect(
      await screen.findByText('Error: view failed', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('says so when nothing was evaluated', async () => {
    await renderCard(
      mockObservabilityApi({
        getEntityView: async () => ({ ...checkoutView, checks: [] }),
      }),
    );
    expect(
      await screen.findByText(
        'No observability checks have been evaluated for this entity yet.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the score, the first warning when nothing fails, and a link to the tab', async () => {
    await renderCard(
      mockObservabilityApi({ getEntityView: async () => checkoutView }),
    );
    expect(await screen.findByText('Confidence 100 %')).toBeInTheDocument();
    expect(screen.getByText('Warn')).toBeInTheDocument();
    expect(
      screen.getByText(
        /Rules loaded in Prometheus: 1 of \d+ alert names not loaded in Prometheus: HighLatencyP99\./,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open the Observability tab/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/observability',
    );
  });

  it('puts a failing check before any warning', async () => {
    await renderCard(
      mockObservabilityApi({ getEntityView: async () => legacyBillingView }),
      'legacy-billing',
    );
    expect(await screen.findByText('Confidence 15 %')).toBeInTheDocument();
    expect(screen.getByText('Fail')).toBeInTheDocument();
    expect(
      screen.getByText(/Alerts routed to the owner: .* notifies nobody\./),
    ).toBeInTheDocument();
  });

  it('says what a library is instead of scoring it', async () => {
    const library = demoView('analytics-sdk', () => ({
      facts: { ownerExists: true },
      alerts: {
        status: 'unknown',
        reason: NO_LIVE_SOURCES,
        alerts: [],
        rawCount: 0,
        storm: false,
      },
      canApply: false,
    }));
    await renderCard(
      mockObservabilityApi({ getEntityView: async () => library }),
      'analytics-sdk',
    );
    expect(
      await screen.findByText(
        'library — no RED targets: Redline generates RED targets, SLOs and alerts only for what serves requests.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/^Confidence/)).not.toBeInTheDocument();
  });

  it('says all checks pass when none fails or warns', async () => {
    await renderCard(
      mockObservabilityApi({
        getEntityView: async () => ({
          ...checkoutView,
          checks: checkoutView.checks.map(c => ({
            ...c,
            status: 'pass' as const,
          })),
        }),
      }),
    );
    expect(await screen.findByText('All checks pass.')).toBeInTheDocument();
  });
});
