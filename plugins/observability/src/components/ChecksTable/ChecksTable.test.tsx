import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { ChecksTable } from './ChecksTable';
import { checkoutView } from '../../testUtils/fixtures';

describe('ChecksTable', () => {
  it('orders failing checks first, labels status with text and offers YAML fixes to copy', async () => {
    await renderInTestApp(<ChecksTable checks={checkoutView.checks} />);
    const rows = screen.getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('cell')[0].textContent),
    ).toEqual(['Fail', 'Warn', 'Unknown', 'Pass', 'Pass']);
    const routing = screen.getByText('Alert routing').closest('tr')!;
    expect(routing).toHaveTextContent(
      'redline.dev/slack-channel: "payments-alerts"',
    );
    expect(
      within(routing).getByRole('button', { name: 'Copy text' }),
    ).toBeInTheDocument();
    const deployed = screen.getByText('Rules deployed').closest('tr')!;
    expect(
      within(deployed).getByText(
        'Apply the generated rules from the Scaffold alerts dialog',
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
