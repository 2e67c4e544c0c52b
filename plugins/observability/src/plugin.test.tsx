import { Route, Routes } from 'react-router-dom';
import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  EntityObservabilityCard,
  EntityObservabilityContent,
  ObservabilityClient,
  ObservabilityPage,
  observabilityApiRef,
  observabilityPlugin,
  rootRouteRef,
} from './index';
import { catalogEntity, checkoutView } from './__testUtils__/fixtures';
import {
  coverageHistory,
  coverageResponse,
} from './__testUtils__/handWrittenFixtures';
import { mockObservabilityApi } from './__testUtils__/mockApi';
import { checkoutSlos } from './__testUtils__/sloFixtures';

const api = () =>
  mockObservabilityApi({
    getEntityView: async () => checkoutView,
    getEntitySlos: async () => checkoutSlos,
    getCoverage: async () => coverageResponse,
    getCoverageHistory: async () => coverageHistory,
  });

describe('legacy exports', () => {
  it('creates the plugin with its API factory and routes', () => {
    expect(observabilityPlugin.getId()).toBe('observability');
    const [factory] = [...observabilityPlugin.getApis()];
    expect(factory.api).toBe(observabilityApiRef);
    const client = factory.factory({
      discoveryApi: { getBaseUrl: async () => 'http://x' },
      fetchApi: { fetch },
    });
    expect(client).toBeInstanceOf(ObservabilityClient);
    expect(observabilityPlugin.routes.root).toBe(rootRouteRef);
  });

  it('renders EntityObservabilityContent and EntityObservabilityCard', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[observabilityApiRef, api()]]}>
        <EntityProvider entity={catalogEntity('checkout')}>
          <EntityObservabilityContent />
          <EntityObservabilityCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByText('RED targets', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Confidence 100 %', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
  });

  it('renders ObservabilityPage with its header', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[observabilityApiRef, api()]]}>
        <Routes>
          <Route path="/observability/*" element={<ObservabilityPage />} />
        </Routes>
      </TestApiProvider>,
      {
        routeEntries: ['/observability'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByRole(
        'heading',
        { name: 'Observability' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole(
        'region',
        { name: 'Coverage summary' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
  });
});
