import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import type {
  ApplyHistoryResponse,
  ApplyResponse,
  SloSuggestion,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef, type ObservabilityApi } from '../../api';
import { scaffolderTemplateRouteRef } from '../../routes';
import { ScaffoldAlertsDialog, languageOf } from './ScaffoldAlertsDialog';
import { APPLY_HISTORY_SHOWN } from './ApplyHistory';
import { checkoutView } from '../../__testUtils__/fixtures';
import { suggestedSlos } from '../../__testUtils__/sloFixtures';
import { checkoutApplyHistory } from '../../__testUtils__/handWrittenFixtures';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';

const entityRef = { kind: 'Component', namespace: 'default', name: 'checkout' };
const rules = 'groups:\n  - name: checkout-red\n    rules: []\n';
const noHistory = async () => ({
  entityRef: checkoutView.entityRef,
  items: [],
});
const rulesText = async () => ({
  content: rules,
  mediaType: 'application/yaml',
});

async function renderDialog(
  api: ObservabilityApi,
  options: {
    canApply?: boolean;
    artifacts?: typeof checkoutView.artifacts;
    scaffolder?: boolean;
    suggestion?: SloSuggestion;
  } = {},
) {
  const view = {
    artifacts: options.artifacts ?? checkoutView.artifacts,
    canApply: options.canApply ?? true,
  };
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <ScaffoldAlertsDialog
        open
        onClose={jest.fn()}
        entityRef={entityRef}
        view={view}
        suggestion={options.suggestion}
      />
    </TestApiProvider>,
    options.scaffolder
      ? {
          mountedRoutes: {
            '/create/templates/:namespace/:templateName':
              scaffolderTemplateRouteRef,
          },
        }
      : {},
  );
}

async function forbidden(): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: {
          name: 'NotAllowedError',
          message: 'Not allowed to apply artifacts',
        },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

describe('ScaffoldAlertsDialog', () => {
  const createObjectURL = jest.fn(() => 'blob:fake');
  const revokeObjectURL = jest.fn();
  let clicked: HTMLAnchorElement[] = [];
  let user: ReturnType<typeof userEvent.setup>;

  beforeEach(() => {
    user = userEvent.setup({ delay: null });
    clicked = [];
    createObjectURL.mockClear();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function recordClick(this: HTMLAnchorElement) {
        clicked.push(this);
      });
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows progress while the preview and the apply history load', async () => {
    const api = mockObservabilityApi({
      getArtifact: pending,
      getApplyHistory: pending,
    });
    await renderDialog(api);
    const dialog = screen.getByRole('dialog', { name: 'Scaffold alerts' });
    expect(within(dialog).getByTestId('progress')).toBeInTheDocument();
    expect(
      within(dialog).getByRole('progressbar', {
        name: 'Loading recent applies',
      }),
    ).toBeInTheDocument();
    expect(api.getApplyHistory).toHaveBeenCalledWith(entityRef);
  });

  it('shows why the preview or the apply history could not be loaded', async () => {
    await renderDialog(
      mockObservabilityApi({
        getArtifact: () => Promise.reject(new Error('artifact exploded')),
        getApplyHistory: () => Promise.reject(new Error('apply log offline')),
      }),
    );
    expect(
      await screen.findByText('Error: artifact exploded', { selector: 'h6' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'Could not load recent applies: apply log offline',
      ),
    ).toBeInTheDocument();
  });

  it('says so when nothing was generated and nothing was applied yet', async () => {
    await renderDialog(mockObservabilityApi({ getApplyHistory: noHistory }), {
      artifacts: [],
    });
    expect(
      screen.getByText('No artifacts were generated for this entity.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Download all (zip)' }),
    ).toBeDisabled();
    expect(
      await screen.findByText(
        'These rules have not been applied from the portal yet.',
      ),
    ).toBeInTheDocument();
  });

  it('previews the chosen artifact with highlighting, copy and single download', async () => {
    const api = mockObservabilityApi({
      getArtifact: async (_ref, id) =>
        id === 'grafana-dashboard'
          ? { content: '{"title":"checkout"}', mediaType: 'application/json' }
          : { content: rules, mediaType: 'application/yaml' },
      getApplyHistory: noHistory,
    });
    await renderDialog(api);
    const checkboxes = screen.getAllByRole('checkbox');
    expect(checkboxes).toHaveLength(checkoutView.artifacts.length);
    for (const box of checkboxes) expect(box).toBeChecked();
    for (const label of [
      'Prometheus rules',
      'PrometheusRule resource (prometheus-operator)',
      'Alertmanager routing',
      'Grafana dashboard',
      'Loki rules (log-based fallback alert)',
      'Runbook: HighErrorRate',
      'Runbook: SLOErrorBudgetBurn',
    ])
      expect(screen.getByRole('checkbox', { name: label })).toBeChecked();

    const preview = await screen.findByRole('region', {
      name: 'Preview of prometheus-rules.yaml',
    });
    expect(preview).toHaveTextContent('checkout-red');
    expect(
      within(preview).getByRole('button', { name: 'Copy text' }),
    ).toBeInTheDocument();

    await user.click(
      within(preview).getByRole('button', {
        name: 'Download prometheus-rules.yaml',
      }),
    );
    expect(clicked[0].download).toBe('prometheus-rules.yaml');
    const blob = (createObjectURL.mock.calls[0] as unknown as [Blob])[0];
    expect(await blob.text()).toBe(rules);

    await user.click(
      screen.getByRole('radio', { name: 'Preview Grafana dashboard' }),
    );
    expect(
      await screen.findByRole('region', {
        name: 'Preview of grafana-dashboard.json',
      }),
    ).toHaveTextContent('"checkout"');
    expect(api.getArtifact).toHaveBeenLastCalledWith(
      entityRef,
      'grafana-dashboard',
    );
  });

  it('moves the preview off an artifact that gets unchecked', async () => {
    await renderDialog(
      mockObservabilityApi({
        getArtifact: rulesText,
        getApplyHistory: noHistory,
      }),
    );
    await screen.findByRole('region', {
      name: 'Preview of prometheus-rules.yaml',
    });
    await user.click(
      screen.getByRole('checkbox', { name: 'Prometheus rules' }),
    );
    expect(
      await screen.findByRole('region', {
        name: 'Preview of prometheus-rule.crd.yaml',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('radio', { name: 'Preview Prometheus rules' }),
    ).toBeDisabled();
  });

  it('downloads everything as a zip', async () => {
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: noHistory,
        getBundle: async () => ({
          blob: new Blob(['PK']),
          fileName: 'checkout-observability.zip',
        }),
      }),
    );
    await user.click(
      screen.getByRole('button', { name: 'Download all (zip)' }),
    );
    await waitFor(() =>
      expect(clicked.map(a => a.download)).toEqual([
        'checkout-observability.zip',
      ]),
    );
  });

  it('lists refused and failed attempts with their reason', async () => {
    const [, applied] = checkoutApplyHistory.items;
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: async () => ({
          ...checkoutApplyHistory,
          items: [
            {
              ...applied,
              outcome: 'failed',
              changed: false,
              reload: { status: 'skipped' },
              message:
                "The rules directory of Prometheus instance 'default' is not writable by the portal. Ask an operator to give the portal's user write access to it, then apply again.",
            },
            {
              ...applied,
              instance: '',
              path: '',
              outcome: 'refused',
              changed: false,
              reload: { status: 'skipped' },
              message:
                "Not applied: rule group 'redline:checkout:red' on Prometheus instance 'default' is already defined by component:other/checkout",
            },
          ],
        }),
      }),
    );
    const history = await screen.findByRole('list', { name: 'Recent applies' });
    const [failed, refused] = within(history).getAllByRole('listitem');
    expect(failed).toHaveTextContent('Apply failed on “default”');
    expect(failed).toHaveTextContent('is not writable by the portal');
    expect(within(failed).getByText('failed')).toBeInTheDocument();
    expect(refused).toHaveTextContent('Apply refusedby user:default/guest');
    expect(refused).toHaveTextContent(
      'already defined by component:other/checkout',
    );
    expect(within(refused).getByText('refused')).toBeInTheDocument();
  });

  it('lists the last applies: outcome, instance, who, when and reload status', async () => {
    const many = {
      ...checkoutApplyHistory,
      items: [
        ...checkoutApplyHistory.items,
        ...Array.from({ length: APPLY_HISTORY_SHOWN }, (_, i) => ({
          ...checkoutApplyHistory.items[1],
          appliedAt: `2026-11-0${i + 1}T09:00:00Z`,
        })),
      ],
    };
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: async () => many,
      }),
    );
    const history = await screen.findByRole('list', { name: 'Recent applies' });
    const items = within(history).getAllByRole('listitem');
    expect(items).toHaveLength(APPLY_HISTORY_SHOWN);
    const [last, previous] = checkoutApplyHistory.items;
    expect(items[0]).toHaveTextContent('Rules unchanged on “default”');
    expect(items[0]).toHaveTextContent(
      `by user:default/ana · ${new Date(last.appliedAt).toLocaleString()}`,
    );
    expect(items[0]).toHaveTextContent('HTTP 503 from /-/reload');
    expect(within(items[0]).getByText('reload failed')).toBeInTheDocument();
    expect(
      within(items[0]).getByText(new Date(last.appliedAt).toLocaleString()),
    ).toHaveAttribute('datetime', last.appliedAt);
    expect(items[1]).toHaveTextContent('Rules written on “default”');
    expect(items[1]).toHaveTextContent(
      `by user:default/guest · ${new Date(
        previous.appliedAt,
      ).toLocaleString()}`,
    );
    expect(within(items[1]).getByText('reload ok')).toBeInTheDocument();
  });

  it('applies when permitted, shows the outcome and refreshes the apply history; no pull-request link without the scaffolder', async () => {
    const entry: ApplyHistoryResponse['items'][number] = {
      instance: 'default',
      path: '/etc/prometheus/rules/redline/component-default-checkout.yaml',
      changed: true,
      validated: 'promtool',
      reload: { status: 'ok' },
      outcome: 'applied',
      appliedBy: 'user:default/guest',
      appliedAt: '2026-11-25T05:00:00Z',
    };
    const result: ApplyResponse = {
      entityRef: checkoutView.entityRef,
      ...entry,
    };
    let logged: Array<typeof entry> = [];
    const api = mockObservabilityApi({
      getArtifact: pending,
      getApplyHistory: async () => ({
        entityRef: checkoutView.entityRef,
        items: logged,
      }),
      applyArtifacts: async () => {
        logged = [entry];
        return result;
      },
    });
    await renderDialog(api);
    expect(
      screen.queryByRole('link', { name: 'Open pull request' }),
    ).not.toBeInTheDocument();
    await screen.findByText(
      'These rules have not been applied from the portal yet.',
    );

    await user.click(
      screen.getByRole('button', { name: 'Apply to Prometheus' }),
    );
    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent('Rules written on instance “default”');
    expect(status).toHaveTextContent(
      '/etc/prometheus/rules/redline/component-default-checkout.yaml',
    );
    expect(status).toHaveTextContent('promtool check rules passed');
    expect(status).toHaveTextContent('Reload: ok');

    const history = await screen.findByRole('list', { name: 'Recent applies' });
    expect(within(history).getByRole('listitem')).toHaveTextContent(
      'Rules written on “default”by user:default/guest',
    );
    expect(api.getApplyHistory).toHaveBeenCalledTimes(2);
  });

  it('shows a refused apply as an error', async () => {
    const error = await forbidden();
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: noHistory,
        applyArtifacts: () => Promise.reject(error),
      }),
    );
    await user.click(
      screen.getByRole('button', { name: 'Apply to Prometheus' }),
    );
    expect(
      await screen.findByText(
        /Apply refused: you lack the observability.artifacts.apply permission/,
        { selector: 'h6' },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Not allowed to apply artifacts'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('hides Apply without permission and links a pull request when the scaffolder is installed', async () => {
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: noHistory,
      }),
      { canApply: false, scaffolder: true },
    );
    expect(
      screen.queryByRole('button', { name: 'Apply to Prometheus' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText(/you can open a pull request instead/),
    ).toBeInTheDocument();
    const link = screen.getByRole('link', { name: 'Open pull request' });
    const url = new URL(link.getAttribute('href')!, 'http://localhost');
    expect(url.pathname).toBe(
      '/create/templates/default/redline-observability-pull-request',
    );
    const formData = JSON.parse(url.searchParams.get('formData')!);
    expect(formData.entityRef).toBe('component:default/checkout');
    expect(formData.artifacts).toEqual(checkoutView.artifacts.map(a => a.id));
    expect(formData.artifacts).toEqual(
      expect.arrayContaining([
        'prometheus-rules',
        'alertmanager',
        'runbook:HighErrorRate',
      ]),
    );
  });

  it('carries an accepted SLO proposal into the pull request', async () => {
    const suggestion = suggestedSlos.suggestions![0];
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: noHistory,
      }),
      { canApply: false, scaffolder: true, suggestion },
    );
    const link = screen.getByRole('link', { name: 'Open pull request' });
    const url = new URL(link.getAttribute('href')!, 'http://localhost');
    const formData = JSON.parse(url.searchParams.get('formData')!);
    expect(formData.proposedAnnotations).toEqual({
      'redline.dev/slo-availability': '99.9',
    });
  });

  it('maps media types to highlighter languages', () => {
    expect(
      [
        'application/yaml',
        'application/json',
        'text/markdown',
        'text/plain',
      ].map(languageOf),
    ).toEqual(['yaml', 'json', 'markdown', 'plaintext']);
  });
});
