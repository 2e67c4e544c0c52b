import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { ChecksTable } from './ChecksTable';
import { checkoutView, legacyBillingView } from '../../__testUtils__/fixtures';

const order = ['Fail', 'Warn', 'Unknown', 'Pass'];

describe('ChecksTable', () => {
  it('orders failing checks first, labels status with text and offers YAML fixes to copy', async () => {
    await renderInTestApp(<ChecksTable checks={legacyBillingView.checks} />);
    const passing = legacyBillingView.checks.filter(
      c => c.status === 'pass',
    ).length;
    // Passing checks are folded until asked for.
    expect(screen.getAllByRole('row').slice(1)).toHaveLength(
      legacyBillingView.checks.length - passing,
    );
    await userEvent.click(
      screen.getByRole('button', { name: `${passing} passing` }),
    );
    const statuses = screen
      .getAllByRole('row')
      .slice(1)
      .map(r => within(r).getAllByRole('cell')[0].textContent!);
    expect(statuses).toHaveLength(legacyBillingView.checks.length);
    expect(new Set(statuses)).toEqual(new Set(order));
    expect(statuses).toEqual(
      [...statuses].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    );

    // No receiver at all: legacy-billing's alerts reach nobody.
    const routing = screen
      .getByText('Alerts routed to the owner')
      .closest('tr')!;
    expect(within(routing).getByText('Fail')).toBeInTheDocument();
    expect(routing).toHaveTextContent(
      'pagerduty.com/integration-key: "<integration-key>"',
    );
    expect(
      within(routing).getByRole('button', { name: 'Copy text' }),
    ).toBeInTheDocument();

    // Prometheus did not answer: unknown, with the reason and nothing to fix.
    const deployed = screen
      .getByText('Rules loaded in Prometheus')
      .closest('tr')!;
    expect(within(deployed).getByText('Unknown')).toBeInTheDocument();
    expect(deployed).toHaveTextContent('connect ECONNREFUSED after 3 attempts');
  });

  it('shows a prose fix as text, without a copy button', async () => {
    await renderInTestApp(<ChecksTable checks={checkoutView.checks} />);
    const deployed = screen
      .getByText('Rules loaded in Prometheus')
      .closest('tr')!;
    expect(within(deployed).getByText('Warn')).toBeInTheDocument();
    expect(
      within(deployed).getByText(
        /^1 of \d+ alert names not loaded in Prometheus: HighLatencyP99\./,
      ),
    ).toBeInTheDocument();
    expect(
      within(deployed).getByText(
        /^Apply the generated rules from the Observability tab/,
      ),
    ).toBeInTheDocument();
    expect(
      within(deployed).queryByRole('button', { name: 'Copy text' }),
    ).not.toBeInTheDocument();
  });

  it('renders an empty message without checks', async () => {
    await renderInTestApp(<ChecksTable checks={[]} />);
    expect(
      screen.getByText('No checks were run for this entity.'),
    ).toBeInTheDocument();
  });
});
