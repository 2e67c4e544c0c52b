import { configure, screen, within } from '@testing-library/react';
import type {
  ApplyHistoryResponse,
  ApplyResponse,
} from '@redline/backstage-plugin-observability-common';
import { APPLY_HISTORY_SHOWN } from './ApplyHistory';
import { checkoutApplyHistory } from '../../__testUtils__/handWrittenFixtures';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';
import {
  checkoutView,
  entityRef,
  fastUser,
  firstDeployPreview,
  forbidden,
  noHistory,
  renderDialog,
} from '../../__testUtils__/scaffoldDialog';

// Role queries skip the per-element visibility walk (getComputedStyle up the
// tree), the bulk of this dialog's test time; nothing here is hidden by CSS.
configure({ defaultHidden: true });

/** Opens the confirmation and confirms it once the diff is shown. */
async function applyAndConfirm(user: ReturnType<typeof fastUser>) {
  await user.click(screen.getByRole('button', { name: 'Apply to Prometheus' }));
  const confirmation = await screen.findByRole('dialog', {
    name: 'Apply to Prometheus?',
  });
  await within(confirmation).findByRole('region', {
    name: /^Changes to /,
  });
  await user.click(
    within(confirmation).getByRole('button', { name: 'Confirm apply' }),
  );
}

describe('ScaffoldAlertsDialog: apply', () => {
  let user: ReturnType<typeof fastUser>;

  beforeEach(() => {
    user = fastUser();
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
      previewApply: async () => firstDeployPreview,
    });
    await renderDialog(api);
    expect(
      screen.queryByRole('link', { name: 'Open pull request' }),
    ).not.toBeInTheDocument();
    await screen.findByText(
      'These rules have not been applied from the portal yet.',
    );

    await applyAndConfirm(user);
    expect(api.applyArtifacts).toHaveBeenCalledWith(entityRef, {
      files: ['prometheus-rules'],
    });
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

  it('shows what will change before applying, and applies nothing on cancel', async () => {
    const api = mockObservabilityApi({
      getArtifact: pending,
      getApplyHistory: noHistory,
      previewApply: async () => firstDeployPreview,
    });
    await renderDialog(api);
    await user.click(
      screen.getByRole('button', { name: 'Apply to Prometheus' }),
    );
    const confirmation = await screen.findByRole('dialog', {
      name: 'Apply to Prometheus?',
    });
    expect(api.previewApply).toHaveBeenCalledWith(entityRef, {
      files: ['prometheus-rules'],
    });
    expect(confirmation).toHaveTextContent(
      'Applying replaces the deployed redline-component-default-checkout.yaml on Prometheus instance “default”, then reloads Prometheus: 1 line(s) added, 1 removed.',
    );
    const diff = within(confirmation).getByRole('region', {
      name: 'Changes to redline-component-default-checkout.yaml',
    });
    expect(diff.querySelector('del')).toHaveTextContent('- for: 10m');
    expect(diff.querySelector('ins')).toHaveTextContent('+ for: 5m');
    await user.click(
      within(confirmation).getByRole('button', { name: 'Cancel' }),
    );
    expect(
      screen.queryByRole('dialog', { name: 'Apply to Prometheus?' }),
    ).not.toBeInTheDocument();
    expect(api.applyArtifacts).not.toHaveBeenCalled();
  });

  it('says when the deployed rules are already identical', async () => {
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: noHistory,
        previewApply: async () => ({
          ...firstDeployPreview,
          changed: false,
          diff: [],
          added: 0,
          removed: 0,
        }),
      }),
    );
    await user.click(
      screen.getByRole('button', { name: 'Apply to Prometheus' }),
    );
    const confirmation = await screen.findByRole('dialog', {
      name: 'Apply to Prometheus?',
    });
    expect(
      await within(confirmation).findByText(
        /already holds these rules: applying writes nothing and reloads nothing/,
      ),
    ).toBeInTheDocument();
    expect(within(confirmation).queryByRole('region')).not.toBeInTheDocument();
  });

  it('says why no diff can be made and offers nothing to confirm', async () => {
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: noHistory,
        previewApply: () =>
          Promise.reject(
            new Error(
              "Prometheus instance 'default' has no rulesDirectory configured",
            ),
          ),
      }),
    );
    await user.click(
      screen.getByRole('button', { name: 'Apply to Prometheus' }),
    );
    const confirmation = await screen.findByRole('dialog', {
      name: 'Apply to Prometheus?',
    });
    expect(
      await within(confirmation).findByText(
        'Could not compare with the deployed rules',
        { exact: false },
      ),
    ).toBeInTheDocument();
    expect(confirmation).toHaveTextContent('has no rulesDirectory configured');
    expect(
      within(confirmation).getByRole('button', { name: 'Confirm apply' }),
    ).toBeDisabled();
  });

  it('cannot apply when the rules file is not ticked, and says why', async () => {
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: noHistory,
      }),
    );
    await user.click(screen.getByLabelText('Prometheus rules'));
    expect(
      screen.getByRole('button', { name: 'Apply to Prometheus' }),
    ).toBeDisabled();
    expect(
      screen.getByText(
        'Apply writes the Prometheus rules: tick them to apply.',
      ),
    ).toBeInTheDocument();
  });

  it('shows a refused apply as an error', async () => {
    const error = await forbidden();
    await renderDialog(
      mockObservabilityApi({
        getArtifact: pending,
        getApplyHistory: noHistory,
        applyArtifacts: () => Promise.reject(error),
        previewApply: async () => firstDeployPreview,
      }),
    );
    await applyAndConfirm(user);
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
});
