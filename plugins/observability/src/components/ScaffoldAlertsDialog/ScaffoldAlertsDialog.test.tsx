import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { observabilityApiRef, type ObservabilityApi } from '../../api';
import { scaffolderTemplateRouteRef } from '../../routes';
import { ScaffoldAlertsDialog, languageOf } from './ScaffoldAlertsDialog';
import { checkoutView } from '../../testUtils/fixtures';
import { mockObservabilityApi, pending } from '../../testUtils/mockApi';

const entityRef = { kind: 'Component', namespace: 'default', name: 'checkout' };
const rules = 'groups:\n  - name: checkout-red\n    rules: []\n';

async function renderDialog(
  api: ObservabilityApi,
  options: {
    canApply?: boolean;
    artifacts?: typeof checkoutView.artifacts;
    scaffolder?: boolean;
  } = {},
) {
  const onClose = jest.fn();
  const view = {
    artifacts: options.artifacts ?? checkoutView.artifacts,
    canApply: options.canApply ?? true,
  };
  return {
    onClose,
    ...(await renderInTestApp(
      <TestApiProvider apis={[[observabilityApiRef, api]]}>
        <ScaffoldAlertsDialog
          open
          onClose={onClose}
          entityRef={entityRef}
          view={view}
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
    )),
  };
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

  beforeEach(() => {
    clicked = [];
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function recordClick(this: HTMLAnchorElement) {
        clicked.push(this);
      });
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows progress while the preview loads', async () => {
    await renderDialog(mockObservabilityApi({ getArtifact: pending }));
    const dialog = screen.getByRole('dialog', { name: 'Scaffold alerts' });
    expect(within(dialog).getByTestId('progress')).toBeInTheDocument();
  });

  it('shows an error panel when the preview fails', async () => {
    await renderDialog(
      mockObservabilityApi({
        getArtifact: () => Promise.reject(new Error('artifact exploded')),
      }),
    );
    expect(
      await screen.findByText('Error: artifact exploded', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('says so when nothing was generated', async () => {
    await renderDialog(mockObservabilityApi(), { artifacts: [] });
    expect(
      screen.getByText('No artifacts were generated for this entity.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Download all (zip)' }),
    ).toBeDisabled();
  });

  it('previews the chosen artifact with highlighting, copy and single download', async () => {
    const api = mockObservabilityApi({
      getArtifact: async (_ref, id) =>
        id === 'grafana-dashboard'
          ? { content: '{"title":"checkout"}', mediaType: 'application/json' }
          : { content: rules, mediaType: 'application/yaml' },
    });
    await renderDialog(api);
    const labels = [
      'Prometheus rules',
      'PrometheusRule resource',
      'Alertmanager',
      'Grafana dashboard',
      'Runbook: HighErrorRate',
    ];
    for (const label of labels)
      expect(screen.getByRole('checkbox', { name: label })).toBeChecked();
    const preview = await screen.findByRole('region', {
      name: 'Preview of prometheus-rules.yaml',
    });
    expect(preview).toHaveTextContent('checkout-red');
    expect(
      within(preview).getByRole('button', { name: 'Copy text' }),
    ).toBeInTheDocument();

    await userEvent.click(
      within(preview).getByRole('button', {
        name: 'Download prometheus-rules.yaml',
      }),
    );
    expect(clicked[0].download).toBe('prometheus-rules.yaml');
    const blob = (createObjectURL.mock.calls[0] as unknown as [Blob])[0];
    expect(await blob.text()).toBe(rules);

    await userEvent.click(
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
        getArtifact: async () => ({
          content: rules,
          mediaType: 'application/yaml',
        }),
      }),
    );
    await screen.findByRole('region', {
      name: 'Preview of prometheus-rules.yaml',
    });
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Prometheus rules' }),
    );
    expect(
      await screen.findByRole('region', {
        name: 'Preview of prometheus-rule.yaml',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('radio', { name: 'Preview Prometheus rules' }),
    ).toBeDisabled();
  });

  it('downloads everything as a zip', async () => {
    const api = mockObservabilityApi({
      getArtifact: async () => ({
        content: rules,
        mediaType: 'application/yaml',
      }),
      getBundle: async () => ({
        blob: new Blob(['PK']),
        fileName: 'checkout-observability.zip',
      }),
    });
    await renderDialog(api);
    await userEvent.click(
      screen.getByRole('button', { name: 'Download all (zip)' }),
    );
    await waitFor(() =>
      expect(clicked.map(a => a.download)).toEqual([
        'checkout-observability.zip',
      ]),
    );
  });

  it('applies when permitted and shows path, change, validation and reload status', async () => {
    const api = mockObservabilityApi({
      getArtifact: async () => ({
        content: rules,
        mediaType: 'application/yaml',
      }),
      applyArtifacts: async () => ({
        entityRef: 'component:default/checkout',
        instance: 'default',
        path: '/etc/prometheus/rules/redline/component-default-checkout.yaml',
        changed: true,
        validated: 'promtool',
        reload: { status: 'ok' },
        appliedBy: 'user:default/guest',
        appliedAt: '2026-11-25T05:00:00Z',
      }),
    });
    await renderDialog(api);
    await userEvent.click(
      screen.getByRole('button', { name: 'Apply to Prometheus' }),
    );
    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent('Rules written on instance “default”');
    expect(status).toHaveTextContent(
      '/etc/prometheus/rules/redline/component-default-checkout.yaml',
    );
    expect(status).toHaveTextContent('promtool check rules passed');
    expect(status).toHaveTextContent('Reload: ok');
  });

  it('shows a refused apply as an error', async () => {
    const error = await forbidden();
    await renderDialog(
      mockObservabilityApi({
        getArtifact: async () => ({
          content: rules,
          mediaType: 'application/yaml',
        }),
        applyArtifacts: () => Promise.reject(error),
      }),
    );
    await userEvent.click(
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
        getArtifact: async () => ({
          content: rules,
          mediaType: 'application/yaml',
        }),
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
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      entityRef: 'component:default/checkout',
      artifacts: checkoutView.artifacts.map(a => a.id),
    });
  });

  it('has no pull-request link without the scaffolder', async () => {
    await renderDialog(
      mockObservabilityApi({
        getArtifact: async () => ({
          content: rules,
          mediaType: 'application/yaml',
        }),
      }),
    );
    expect(
      screen.queryByRole('link', { name: 'Open pull request' }),
    ).not.toBeInTheDocument();
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
