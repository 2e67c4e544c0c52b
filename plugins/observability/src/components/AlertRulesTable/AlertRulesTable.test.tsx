import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { AlertRulesTable } from './AlertRulesTable';
import { checkoutView } from '../../testUtils/fixtures';

describe('AlertRulesTable', () => {
  it('shows name, severity, for, runbook link and deployed/firing state', async () => {
    await renderInTestApp(
      <AlertRulesTable
        alerts={checkoutView.alerts}
        alertStates={checkoutView.alertStates}
      />,
    );
    const error = screen.getByText('HighErrorRate').closest('tr')!;
    expect(within(error).getByText('critical')).toBeInTheDocument();
    expect(within(error).getByText('5m')).toBeInTheDocument();
    expect(within(error).getByText('deployed')).toBeInTheDocument();
    expect(within(error).getByText('firing')).toBeInTheDocument();
    expect(
      within(error).getByRole('link', { name: /Runbook/ }),
    ).toHaveAttribute(
      'href',
      'http://localhost:3000/observability/runbooks/default/component/checkout/HighErrorRate',
    );
    const latency = screen.getByText('HighLatency').closest('tr')!;
    expect(within(latency).getByText('not deployed')).toBeInTheDocument();
    expect(within(latency).queryByText('firing')).not.toBeInTheDocument();
    expect(screen.getByText('availability · fast')).toBeInTheDocument();
    expect(screen.getByText('deployment unknown')).toBeInTheDocument();
  });

  it('reveals the expression on demand', async () => {
    await renderInTestApp(
      <AlertRulesTable
        alerts={checkoutView.alerts}
        alertStates={checkoutView.alertStates}
      />,
    );
    const toggle = screen.getByRole('button', {
      name: 'Show expression of HighLatency',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(
      screen.queryByText(/histogram_quantile\(0\.99/),
    ).not.toBeInTheDocument();
    await userEvent.click(toggle);
    expect(
      screen.getByRole('button', { name: 'Hide expression of HighLatency' }),
    ).toHaveAttribute('aria-expanded', 'true');
    expect(
      screen.getByText(/histogram_quantile\(0\.99.*> 0\.3/),
    ).toBeInTheDocument();
  });

  it('explains an empty rule set', async () => {
    await renderInTestApp(<AlertRulesTable alerts={[]} alertStates={[]} />);
    expect(
      screen.getByText(/No alert rules were generated/),
    ).toBeInTheDocument();
  });
});
