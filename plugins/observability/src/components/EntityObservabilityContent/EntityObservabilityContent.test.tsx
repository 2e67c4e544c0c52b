import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import { observabilityApiRef } from '../../api';
import { EntityObservabilityContent } from './EntityObservabilityContent';
import {
  brokenAnnotationsView,
  catalogEntity,
  checkoutView,
  legacyBillingView,
  NO_LIVE_SOURCES,
  PROMETHEUS_DOWN,
} from '../../__testUtils__/fixtures';
import { checkoutApplyHistory } from '../../__testUtils__/handWrittenFixtures';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';
import { checkoutSlos, suggestedSlos } from '../../__testUtils__/sloFixtures';
import type { ObservabilityApi } from '../../api';
import type { EntityViewResponse } from '@redline/backstage-plugin-observability-common';

function renderTab(api: ObservabilityApi, name = 'checkout') {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <EntityProvider entity={catalogEntity(name)}>
        <EntityObservabilityContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityObservabilityContent', () => {
  it('shows progress while loading', async () => {
    await renderTab(
      mockObservabilityApi({ getEntitySlos: pending, getEntityView: pending }),
    );
    // One for service health, one for the setup sections: they load apart.
    expect(screen.getAllByTestId('progress')).toHaveLength(2);
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
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
        getEntityView: () => Promise.reject(error),
      }),
    );
    expect(
      await screen.findByText(/Request failed with 404/),
    ).toBeInTheDocument();
  });

  it('shows an empty state with the annotations to add when nothing could be derived', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
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
      getEntitySlos: async () => checkoutSlos,
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
      screen.getByText(
        'Full observability design — Metrics, a logs source and a trace source are declared, so the full design applies.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Confidence score 100 %' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'Confidence breakdown' }),
    ).toHaveTextContent('Service-level objective (20 %)');
    expect(screen.getByText('> 0.5 %')).toBeInTheDocument();
    expect(screen.getByText('> 400 ms')).toBeInTheDocument();
    expect(screen.getByText('drop > 40 % vs usual')).toBeInTheDocument();

    expect(screen.getByText('Alert rules')).toBeInTheDocument();
    const latency = screen.getByText('HighLatencyP99').closest('tr')!;
    expect(within(latency).getByText('not deployed')).toBeInTheDocument();

    // One alert fires (from two replicas), the fast burn is inhibited.
    expect(
      screen.getByText('Firing alerts (1) · 1 suppressed'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'warning alerts' })).getByText(
        '×2',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'HighErrorRate — checkout' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^Checks \(\d+ not passing\)$/),
    ).toBeInTheDocument();

    expect(screen.getByText('Rule lint (3)')).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'Rule lint findings' }),
    ).toHaveTextContent('alert/cause-not-symptom');
    expect(
      screen.queryByText('This service has no observability metadata yet'),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByText(/^Live alerts unavailable/),
    ).not.toBeInTheDocument();
  });

  it('guides an undescribed service and says why nothing live is known', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
        getEntityView: async () => legacyBillingView,
      }),
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
    expect(
      screen.getByText(/^Basic metrics — No logs source is declared/),
    ).toBeInTheDocument();
    expect(screen.getByText('> 1 %')).toBeInTheDocument();
    expect(screen.getByText('> 500 ms')).toBeInTheDocument();
    expect(screen.getByText('drop > 50 % vs usual')).toBeInTheDocument();
    expect(
      screen.getByText(/^Live data: unknown — Metric collection failed/),
    ).toBeInTheDocument();
    expect(screen.getAllByText('deployment unknown')).toHaveLength(3);

    expect(screen.getByText('Firing alerts (0)')).toBeInTheDocument();
    expect(
      screen.getByText('No alerts are firing for this entity.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(`Live alerts unavailable: ${PROMETHEUS_DOWN}`),
    ).toBeInTheDocument();
    expect(
      screen.getByText(`The live rules were not linted: ${PROMETHEUS_DOWN}`),
    ).toBeInTheDocument();
  });

  it('shows readable findings for broken annotations instead of an error page', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
        getEntityView: async () => brokenAnnotationsView,
      }),
      'broken-annotations',
    );
    expect(
      await screen.findByText(
        `Findings (${brokenAnnotationsView.findings.length})`,
      ),
    ).toBeInTheDocument();
    const findings = screen.getByRole('list', { name: 'Findings' });
    expect(
      within(findings).getByText(
        'redline.dev/slo-availability "100" the objective must be below 100 % (a 100 % objective leaves no error budget). Using no availability SLO instead.',
      ),
    ).toBeInTheDocument();
    expect(within(findings).getByText('"platinum"')).toBeInTheDocument();
    expect(screen.getByText('RED targets')).toBeInTheDocument();
    // Broken values fall back to the seed defaults.
    expect(screen.getByText('> 1 %')).toBeInTheDocument();
    expect(
      screen.getByText(`Live alerts unavailable: ${NO_LIVE_SOURCES}`),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'The live rules were not linted: No Prometheus was asked.',
      ),
    ).toBeInTheDocument();
  });

  it('opens the Scaffold alerts dialog from the header', async () => {
    const api = mockObservabilityApi({
      getEntitySlos: async () => checkoutSlos,
      getEntityView: async () => checkoutView,
      getArtifact: pending,
      getApplyHistory: async () => checkoutApplyHistory,
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
    expect(
      await within(dialog).findByRole('list', { name: 'Recent applies' }),
    ).toHaveTextContent('by user:default/ana');
    expect(api.getApplyHistory).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('opens on service health, above the setup sections', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
        getEntityView: async () => checkoutView,
      }),
    );
    const health = await screen.findByText('Service health');
    const setup = await screen.findByText('Observability');
    expect(
      health.compareDocumentPosition(setup) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it('shows service health while the design is still loading', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
        getEntityView: pending,
      }),
    );
    expect(
      await screen.findByRole('table', { name: 'Service-level objectives' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('keeps the design when service health fails', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: () => Promise.reject(new Error('Prometheus timed out')),
        getEntityView: async () => checkoutView,
      }),
    );
    expect(
      await screen.findByText(/Service health could not be loaded/),
    ).toBeInTheDocument();
    expect(await screen.findByText('RED targets')).toBeInTheDocument();
  });

  it('shows the design from the static view at once while Prometheus hangs, saying so in a banner', async () => {
    const api = mockObservabilityApi({
      getEntitySlos: pending,
      getEntityView: (_ref, options) =>
        options?.parts === 'static'
          ? Promise.resolve({
              ...checkoutView,
              parts: 'static' as const,
              live: undefined,
            })
          : pending(),
    });
    await renderTab(api);
    expect(await screen.findByText('RED targets')).toBeInTheDocument();
    expect(api.getEntityView).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      { parts: 'static' },
    );
    const banner = screen.getByRole('alert', {
      name: /Waiting for Prometheus/,
    });
    expect(banner).toHaveTextContent(
      'The configuration, generated rules and findings below do not depend on it',
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'Live parts not read yet',
    );
  });

  it('tells Prometheus unavailable apart from no traffic', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
        getEntityView: async () => legacyBillingView,
      }),
      'legacy-billing',
    );
    const unavailable = await screen.findByRole('alert', {
      name: /Prometheus unavailable/,
    });
    expect(unavailable).toHaveTextContent('Metric collection failed');
    expect(
      screen.queryByRole('alert', { name: /No data/ }),
    ).not.toBeInTheDocument();
  });

  it('says "no data" when Prometheus answers without traffic', async () => {
    const quiet = {
      ...checkoutView,
      live: {
        status: 'ok' as const,
        values: checkoutView.live!.values.map(v => ({
          ...v,
          value: null,
          trend: [],
        })),
      },
    };
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
        getEntityView: async () => quiet,
      }),
    );
    expect(
      await screen.findByRole('alert', { name: /No data: no traffic/ }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('alert', { name: /Prometheus unavailable/ }),
    ).not.toBeInTheDocument();
  });

  it('reads the live parts again when the window regains focus, without a reload', async () => {
    let answer: EntityViewResponse = legacyBillingView;
    const api = mockObservabilityApi({
      getEntitySlos: async () => checkoutSlos,
      getEntityView: async () => answer,
    });
    await renderTab(api, 'legacy-billing');
    await screen.findByRole('alert', { name: /Prometheus unavailable/ });
    expect(screen.getByRole('status')).toHaveTextContent(
      /^Live parts as of \d\d:\d\d:\d\d, (just now|\d+ s ago)/,
    );
    answer = { ...legacyBillingView, live: checkoutView.live };
    const calls = api.getEntityView.mock.calls.length;
    act(() => {
      window.dispatchEvent(new Event('focus'));
    });
    await waitFor(() =>
      expect(
        screen.queryByRole('alert', { name: /Prometheus unavailable/ }),
      ).not.toBeInTheDocument(),
    );
    expect(api.getEntityView.mock.calls.length).toBe(calls + 1);
    expect(api.getEntitySlos).toHaveBeenCalledTimes(2);
  });

  it('gives the live values their own age when the backend served ones it kept', async () => {
    const readAt = Date.now() - 25_000;
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
        getEntityView: async () => ({
          ...checkoutView,
          live: { ...checkoutView.live!, readAt },
        }),
      }),
    );
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent(
        /^Live parts as of \d\d:\d\d:\d\d, 2\d s ago/,
      ),
    );
  });

  it('says the rule evaluator stopped when the Watchdog is missing', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
        getEntityView: async () => ({
          ...checkoutView,
          evaluator: {
            status: 'stopped' as const,
            reason: 'Alertmanager main has no Watchdog from this service.',
          },
        }),
      }),
    );
    expect(
      await screen.findByRole('alert', { name: /Rule evaluation has stopped/ }),
    ).toHaveTextContent('no Watchdog');
  });

  it('leads with firing alerts and failing checks, above service health', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => checkoutSlos,
        getEntityView: async () => checkoutView,
      }),
    );
    const firing = await screen.findByText('Firing alerts (1) · 1 suppressed');
    const checks = screen.getByText(/^Checks \(/);
    const health = screen.getByText('Service health');
    const follows = (a: Element, b: Element) =>
      a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING;
    expect(follows(firing, checks)).toBeTruthy();
    expect(follows(checks, health)).toBeTruthy();
  });

  it('proposes a suggested SLO through the Scaffold alerts dialog', async () => {
    await renderTab(
      mockObservabilityApi({
        getEntitySlos: async () => suggestedSlos,
        getEntityView: async () => legacyBillingView,
        getArtifact: pending,
        getApplyHistory: async () => checkoutApplyHistory,
      }),
      'legacy-billing',
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Propose this SLO' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Scaffold alerts',
    });
    const proposal = within(dialog).getByRole('alert', {
      name: 'Proposed SLO',
    });
    expect(proposal).toHaveTextContent('Proposed SLO: Availability 99.9 %');
    expect(proposal).toHaveTextContent('redline.dev/slo-availability: "99.9"');
  });
});
