import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { AlertRulesTable } from './AlertRulesTable';
import { checkoutView } from '../../__testUtils__/fixtures';

describe('AlertRulesTable', () => {
  it('shows name, severity, for, runbook link and deployed/firing state', async () => {
    await renderInTestApp(<AlertRulesTable alerts={checkoutView.alerts} />);
    const errors = screen.getByText('HighErrorRate').closest('tr')!;
    expect(within(errors).getByText('warning')).toBeInTheDocument();
    expect(within(errors).getByText('5m')).toBeInTheDocument();
    expect(within(errors).getByText('deployed')).toBeInTheDocument();
    expect(within(errors).getByText('firing')).toBeInTheDocument();
    // checkout declares its own runbook, so generated alerts link there.
    expect(
      within(errors).getByRole('link', { name: /Runbook/ }),
    ).toHaveAttribute('href', 'https://runbooks.example.com/payments/checkout');

    const latency = screen.getByText('HighLatencyP99').closest('tr')!;
    expect(within(latency).getByText('not deployed')).toBeInTheDocument();
    expect(within(latency).queryByText('firing')).not.toBeInTheDocument();

    // The silenced fast burn is deployed but not firing.
    const fastBurn = screen.getByText('availability · fast').closest('tr')!;
    expect(
      within(fastBurn).getByText('SLOErrorBudgetBurn'),
    ).toBeInTheDocument();
    expect(within(fastBurn).getByText('critical')).toBeInTheDocument();
    expect(within(fastBurn).getByText('—')).toBeInTheDocument();
    expect(within(fastBurn).getByText('deployed')).toBeInTheDocument();
    expect(within(fastBurn).queryByText('firing')).not.toBeInTheDocument();

    // The log fallback goes to Loki, so Prometheus cannot say whether it is loaded.
    const logs = screen.getByText('LogErrorRateFallback').closest('tr')!;
    expect(within(logs).getByText('deployment unknown')).toBeInTheDocument();
    expect(screen.getAllByText('firing')).toHaveLength(1);
  });

  it('reveals the expression on demand', async () => {
    await renderInTestApp(<AlertRulesTable alerts={checkoutView.alerts} />);
    const toggle = screen.getByRole('button', {
      name: 'Show expression of HighLatencyP99',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(
      screen.queryByText(/service:http_request_duration_seconds:p99_5m/),
    ).not.toBeInTheDocument();
    await userEvent.click(toggle);
    expect(
      screen.getByRole('button', { name: 'Hide expression of HighLatencyP99' }),
    ).toHaveAttribute('aria-expanded', 'true');
    expect(
      screen.getByText(
        'service:http_request_duration_seconds:p99_5m{service="checkout"} > 0.4',
      ),
    ).toBeInTheDocument();
  });

  it('explains an empty rule set', async () => {
    await renderInTestApp(<AlertRulesTable alerts={[]} />);
    expect(
      screen.getByText(/No alert rules were generated/),
    ).toBeInTheDocument();
  });
});
