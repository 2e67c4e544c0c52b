import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import observabilityPlugin, {
  observabilityEntityCard,
  observabilityEntityContent,
  observabilityPage,
} from './alpha';
import { observabilityApiRef } from './api';
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

describe('observability plugin (new frontend system)', () => {
  it('is a frontend plugin with id observability', () => {
    expect(observabilityPlugin.id).toBe('observability');
  });

  it('declares the tab at path observability, filtered to components, APIs and resources', () => {
    const tester = createExtensionTester(observabilityEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('observability');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Observability',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(catalogEntity('checkout'))).toBe(true);
    expect(filter(catalogEntity('checkout-api', 'API'))).toBe(true);
    // The demo catalog has no Resource; the filter takes them all the same.
    expect(filter({ ...catalogEntity('checkout'), kind: 'Resource' })).toBe(
      true,
    );
    expect(filter(catalogEntity('payments', 'Group'))).toBe(false);
  });

  it('renders the tab extension with the entity view', async () => {
    const tester = createExtensionTester(observabilityEntityContent);
    await renderInTestApp(
      <TestApiProvider apis={[[observabilityApiRef, api()]]}>
        <EntityProvider entity={catalogEntity('checkout')}>
          {tester.reactElement()}
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('RED targets', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
    expect(screen.getByText('> 0.5 %')).toBeInTheDocument();
    expect(screen.getByText('> 400 ms')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Scaffold alerts' }),
    ).toBeInTheDocument();
  });

  it('renders the overview card extension with the same filter', async () => {
    const tester = createExtensionTester(observabilityEntityCard);
    expect(
      tester.get(EntityCardBlueprint.dataRefs.filterFunction)!(
        catalogEntity('payments', 'Group'),
      ),
    ).toBe(false);
    await renderInTestApp(
      <TestApiProvider apis={[[observabilityApiRef, api()]]}>
        <EntityProvider entity={catalogEntity('checkout')}>
          {tester.reactElement()}
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByText('Confidence 100 %', {}, { timeout: 10000 }),
    ).toBeInTheDocument();
  });

  it('renders the coverage page at /observability with a title for the nav', async () => {
    const tester = createExtensionTester(observabilityPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/observability');
    expect(tester.get(coreExtensionData.title)).toBe('Observability');
    await renderInTestApp(
      <TestApiProvider apis={[[observabilityApiRef, api()]]}>
        {tester.reactElement()}
      </TestApiProvider>,
    );
    // The page is a lazy import; its first load in a cold jest worker can exceed the default 1 s.
    expect(
      await screen.findByRole(
        'region',
        { name: 'Coverage summary' },
        { timeout: 10000 },
      ),
    ).toBeInTheDocument();
  });
});
