import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { FiringAlerts } from './FiringAlerts';
import { checkoutView } from '../../testUtils/fixtures';

describe('FiringAlerts', () => {
  it('groups alerts by severity, worst first, with state and dedupe count', async () => {
    await renderInTestApp(
      <FiringAlerts alerts={[...checkoutView.firing].reverse()} />,
    );
    const groups = screen.getAllByRole('list');
    expect(groups.map(g => g.getAttribute('aria-label'))).toEqual([
      'critical alerts',
      'warning alerts',
    ]);
    expect(within(groups[0]).getByText('HighErrorRate')).toBeInTheDocument();
    expect(within(groups[0]).getByText('firing')).toBeInTheDocument();
    expect(within(groups[0]).getByText('×3')).toBeInTheDocument();
    expect(
      within(groups[0]).getByText(/Error ratio above 0\.5 %/),
    ).toBeInTheDocument();
    expect(within(groups[1]).getByText('pending')).toBeInTheDocument();
  });

  it('shows an empty message and why live data is missing', async () => {
    await renderInTestApp(
      <FiringAlerts alerts={[]} unknownReason="Alertmanager timed out" />,
    );
    expect(
      screen.getByText('No alerts are firing for this entity.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Live alerts unavailable: Alertmanager timed out'),
    ).toBeInTheDocument();
  });
});
