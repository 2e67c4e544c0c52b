import { Route, Routes } from 'react-router-dom';
import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { observabilityApiRef, type ObservabilityApi } from '../../api';
import { RunbookPage } from './RunbookPage';
import { demoRunbook } from '../../__testUtils__/fixtures';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';

function renderRunbook(api: ObservabilityApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <Routes>
        <Route
          path="/observability/runbooks/:namespace/:kind/:name/:alert"
          element={<RunbookPage />}
        />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: [
        '/observability/runbooks/default/component/checkout/HighErrorRate',
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('RunbookPage', () => {
  it('shows progress while loading', async () => {
    await renderRunbook(mockObservabilityApi({ getRunbook: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows an error panel for an unknown runbook', async () => {
    await renderRunbook(
      mockObservabilityApi({
        getRunbook: () => Promise.reject(new Error('No runbook HighErrorRate')),
      }),
    );
    expect(
      await screen.findByText('Error: No runbook HighErrorRate', {
        selector: 'h6',
      }),
    ).toBeInTheDocument();
  });

  it('shows an empty state for an empty runbook', async () => {
    await renderRunbook(
      mockObservabilityApi({
        getRunbook: async () => ({
          entityRef: 'component:default/checkout',
          alert: 'HighErrorRate',
          title: 'x',
          path: 'runbooks/x.md',
          markdown: ' ',
        }),
      }),
    );
    expect(
      await screen.findByText('No runbook for HighErrorRate'),
    ).toBeInTheDocument();
  });

  it('renders the runbook for the alert in the URL, linking back to the tab', async () => {
    const api = mockObservabilityApi({
      getRunbook: async () => demoRunbook('checkout', 'HighErrorRate'),
    });
    await renderRunbook(api);
    expect(
      await screen.findByRole('heading', {
        name: 'HighErrorRate — checkout',
        level: 1,
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Diagnosis' }),
    ).toBeInTheDocument();
    expect(api.getRunbook).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'checkout' },
      'HighErrorRate',
    );
    expect(
      screen.getByRole('link', { name: 'component:default/checkout' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/observability',
    );
    expect(screen.getByText(/runbooks\/HighErrorRate\.md/)).toBeInTheDocument();
  });
});
