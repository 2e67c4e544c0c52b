import { configure, screen, waitFor, within } from '@testing-library/react';
import { suggestedSlos } from '../../__testUtils__/sloFixtures';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';
import {
  checkoutView,
  entityRef,
  fastUser,
  noHistory,
  renderDialog,
  rules,
  rulesText,
} from '../../__testUtils__/scaffoldDialog';
import { languageOf } from './ScaffoldAlertsDialog';

// Apply, its confirmation and the apply history: ScaffoldAlertsDialog.apply.test.tsx.

// Role queries skip the per-element visibility walk (getComputedStyle up the
// tree), the bulk of this dialog's test time; nothing here is hidden by CSS.
configure({ defaultHidden: true });

describe('ScaffoldAlertsDialog', () => {
  const createObjectURL = jest.fn(() => 'blob:fake');
  const revokeObjectURL = jest.fn();
  let clicked: HTMLAnchorElement[] = [];
  let user: ReturnType<typeof fastUser>;

  beforeEach(() => {
    user = fastUser();
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
      expect(screen.getByLabelText(label)).toBeChecked();

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
    await user.click(screen.getByLabelText('Prometheus rules'));
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

  it('zips only the ticked files', async () => {
    const api = mockObservabilityApi({
      getArtifact: pending,
      getApplyHistory: noHistory,
      getBundle: async () => ({
        blob: new Blob(['PK']),
        fileName: 'checkout-observability.zip',
      }),
    });
    await renderDialog(api);
    const runbooks = checkoutView.artifacts.filter(a =>
      a.id.startsWith('runbook:'),
    );
    for (const runbook of runbooks)
      await user.click(screen.getByLabelText(runbook.label));
    const kept = checkoutView.artifacts
      .map(a => a.id)
      .filter(id => !id.startsWith('runbook:'));
    expect(
      screen.getByText(
        `Artifacts (${kept.length} of ${checkoutView.artifacts.length} selected)`,
      ),
    ).toBeInTheDocument();
    await user.click(
      screen.getByRole('button', {
        name: `Download ${kept.length} selected (zip)`,
      }),
    );
    expect(api.getBundle).toHaveBeenCalledWith(entityRef, { files: kept });
    await waitFor(() =>
      expect(clicked.map(a => a.download)).toEqual([
        'checkout-observability.zip',
      ]),
    );
  });

  it('proposes only the ticked files in the pull request', async () => {
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: noHistory,
      }),
      { canApply: false, scaffolder: true },
    );
    await user.click(screen.getByLabelText('Grafana dashboard'));
    await user.click(screen.getByLabelText('Runbook: HighErrorRate'));
    const link = screen.getByRole('link', { name: 'Open pull request' });
    const url = new URL(link.getAttribute('href')!, 'http://localhost');
    const formData = JSON.parse(url.searchParams.get('formData')!);
    expect(formData.artifacts).toEqual(
      checkoutView.artifacts
        .map(a => a.id)
        .filter(
          id => id !== 'grafana-dashboard' && id !== 'runbook:HighErrorRate',
        ),
    );
  });

  it('makes the preview radios one tab stop moved with the arrow keys', async () => {
    const api = mockObservabilityApi({
      getArtifact: rulesText,
      getApplyHistory: noHistory,
    });
    await renderDialog(api);
    await screen.findByRole('region', {
      name: 'Preview of prometheus-rules.yaml',
    });
    const radios = screen.getAllByRole('radio');
    expect(new Set(radios.map(r => r.getAttribute('name'))).size).toBe(1);

    radios[0].focus();
    const apply = screen.getByRole('button', { name: 'Apply to Prometheus' });
    let presses = 0;
    while (document.activeElement !== apply && presses < 50) {
      await user.tab();
      presses++;
      // Never another preview radio on the way: the group is one stop.
      expect(radios.slice(1)).not.toContain(document.activeElement);
    }
    expect(document.activeElement).toBe(apply);
    // One stop per other checkbox, then the preview's download, copy and
    // scroll region, the history's region and the zip button, at most.
    expect(presses).toBeLessThanOrEqual(checkoutView.artifacts.length - 1 + 6);

    radios[0].focus();
    await user.keyboard('{ArrowDown}');
    expect(radios[1]).toHaveFocus();
    expect(radios[1]).toBeChecked();
    expect(
      await screen.findByRole('region', {
        name: `Preview of ${checkoutView.artifacts[1].path}`,
      }),
    ).toBeInTheDocument();
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
