import { Route, Routes } from 'react-router-dom';
import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { observabilityApiRef, type ObservabilityApi } from '../../api';
import { ObservabilityPage } from './ObservabilityPage';
import { demoRunbook } from '../../__testUtils__/fixtures';
import {
  coverageHistory,
  coverageResponse,
} from '../../__testUtils__/handWrittenFixtures';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';

function renderAt(path: string, api: ObservabilityApi, header?: boolean) {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <Routes>
        <Route
          path="/observability/*"
          element={<ObservabilityPage header={header} />}
        />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('ObservabilityPage', () => {
  it('shows progress in the page while coverage loads', async () => {
    await renderAt(
      '/observability',
      mockObservabilityApi({ getCoverage: pending }),
    );
    expect(
      screen.getByRole('heading', { name: 'Observability' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows an error from the backend', async () => {
    await renderAt(
      '/observability',
      mockObservabilityApi({
        getCoverage: () => Promise.reject(new Error('backend down')),
      }),
    );
    expect(
      await screen.findByText('Error: backend down', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('shows the coverage overview at the root, without its own header when asked', async () => {
    await renderAt(
      '/observability',
      mockObservabilityApi({
        getCoverage: async () => coverageResponse,
        getCoverageHistory: async () => coverageHistory,
      }),
      false,
    );
    expect(
      await screen.findByRole('region', { name: 'Coverage summary' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('heading', { name: 'Observability' }),
    ).not.toBeInTheDocument();
    expect(screen.getAllByRole('main')).toHaveLength(1);
  });

  it('is one main landmark with its header, on the runbook route too', async () => {
    await renderAt(
      '/observability/runbooks/default/component/checkout/HighErrorRate',
      mockObservabilityApi({
        getRunbook: async () => demoRunbook('checkout', 'HighErrorRate'),
      }),
    );
    await screen.findByRole('heading', { name: 'Diagnosis' });
    expect(screen.getAllByRole('main')).toHaveLength(1);
  });

  it('routes runbook links generated into alerts to the rendered runbook', async () => {
    const api = mockObservabilityApi({
      getRunbook: async () => demoRunbook('checkout', 'HighErrorRate'),
    });
    await renderAt(
      '/observability/runbooks/default/component/checkout/HighErrorRate',
      api,
    );
    expect(
      await screen.findByRole('heading', { name: 'Diagnosis' }),
    ).toBeInTheDocument();
    expect(api.getRunbook).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'checkout' },
      'HighErrorRate',
    );
  });
});
