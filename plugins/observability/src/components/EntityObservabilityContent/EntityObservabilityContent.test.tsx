import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import { observabilityApiRef } from '../../api';
import { EntityObservabilityContent } from './EntityObservabilityContent';
import {
  brokenAnnotationsView,
  checkoutView,
  legacyBillingView,
  makeEntity,
} from '../../testUtils/fixtures';
import { mockObservabilityApi, pending } from '../../testUtils/mockApi';
import type { ObservabilityApi } from '../../api';

function renderTab(api: ObservabilityApi, name = 'checkout') {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <EntityProvider entity={makeEntity(name)}>
        <EntityObservabilityContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityObservabilityContent', () => {
  it('shows progress while loading', async () => {
    await renderTab(mockObservabilityApi({ getEntityView: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the backend error in an error panel', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotFoundError',
          message: 'No entity component:default/checkout',
        },
        response: { statusCode: 404 },
      }),
      {
        status: 404,
        statusText: 'Not Found',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    await renderTab(
      mockObservabilityApi({ getEntityView: () => Promise.reject(error) }),
    );
    expect(
      await screen.findByText(/Request failed with 404/),
    ).toBeInTheDocument();
  });

  it('shows an empty state with the annotations to add when nothing could be derived', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntityView: async () => ({ ...legacyBillingView, redTargets: [] }),
      }),
    );
    expect(
      await screen.findByText('No observability design for this entity'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/redline\.dev\/slo-availability: "99\.9"/),
    ).toBeInTheDocument();
  });

  it('renders the full tab for a described service', async () => {
    const api = mockObservabilityApi({
      getEntityView: async () => checkoutView,
    });
    await renderTab(api);
    expect(api.getEntityView).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
    });
    expect(await screen.findByText('RED targets')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Confidence score 82 %' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'Confidence breakdown' }),
    ).toHaveTextContent('Rules deployed (30 %)');
    expect(screen.getByText('> 0.5 %')).toBeInTheDocument();
    expect(screen.getByText('> 300 ms')).toBeInTheDocument();
    expect(screen.getByText('Alert rules')).toBeInTheDocument();
    expect(screen.getByText('Checks')).toBeInTheDocument();
    expect(screen.getByText('Firing alerts (2)')).toBeInTheDocument();
    expect(screen.getByText('HighErrorRate — checkout')).toBeInTheDocument();
    expect(
      screen.queryByText('This service has no observability metadata yet'),
    ).not.toBeInTheDocument();
    expect(screen.getByText('Full observability design')).toBeInTheDocument();
  });

  it('guides an undescribed service and still shows the seed-default RED targets', async () => {
    await renderTab(
      mockObservabilityApi({ getEntityView: async () => legacyBillingView }),
      'legacy-billing',
    );
    expect(
      await screen.findByText('This service has no observability metadata yet'),
    ).toBeInTheDocument();
    const guide = screen.getByRole('alert', {
      name: 'How to describe this service',
    });
    expect(guide).toHaveTextContent(
      'redline.dev/service-name: "legacy-billing"',
    );
    expect(screen.getByText('> 1 %')).toBeInTheDocument();
    expect(screen.getByText('> 500 ms')).toBeInTheDocument();
    expect(screen.getByText('drop > 50 % vs 1w ago')).toBeInTheDocument();
    expect(
      screen.getByText('No alerts are firing for this entity.'),
    ).toBeInTheDocument();
  });

  it('shows readable findings for broken annotations instead of an error page', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntityView: async () => brokenAnnotationsView,
      }),
      'broken-annotations',
    );
    expect(await screen.findByText('Findings (2)')).toBeInTheDocument();
    const findings = screen.getByRole('list', { name: 'Findings' });
    expect(
      within(findings).getByText(
        'redline.dev/slo-availability must be a percentage between 0 and 100',
      ),
    ).toBeInTheDocument();
    expect(within(findings).getByText('"lots"')).toBeInTheDocument();
    expect(screen.getByText('RED targets')).toBeInTheDocument();
  });

  it('opens the Scaffold alerts dialog from the header', async () => {
    const api = mockObservabilityApi({
      getEntityView: async () => checkoutView,
      getArtifact: async () => ({
        content: 'groups: []\n',
        mediaType: 'application/yaml',
      }),
    });
    await renderTab(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Scaffold alerts' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Scaffold alerts',
    });
    expect(
      within(dialog).getByRole('checkbox', { name: 'Prometheus rules' }),
    ).toBeChecked();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
