import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { FiringAlerts, firingAlertsTitle } from './FiringAlerts';
import { checkoutView, PROMETHEUS_DOWN } from '../../__testUtils__/fixtures';

describe('FiringAlerts', () => {
  it('groups alerts by severity, worst first, with state and dedupe count', async () => {
    await renderInTestApp(
      <FiringAlerts alerts={[...checkoutView.firing.alerts].reverse()} />,
    );
    const groups = screen.getAllByRole('list');
    expect(groups.map(g => g.getAttribute('aria-label'))).toEqual([
      'critical alerts',
      'warning alerts',
    ]);
    // The fast availability burn is silenced in Alertmanager.
    expect(
      within(groups[0]).getByText('SLOErrorBudgetBurn'),
    ).toBeInTheDocument();
    expect(within(groups[0]).getByText('suppressed')).toBeInTheDocument();
    // HighErrorRate arrives once from each Prometheus replica: one row, ×2.
    expect(within(groups[1]).getByText('HighErrorRate')).toBeInTheDocument();
    expect(within(groups[1]).getByText('firing')).toBeInTheDocument();
    expect(within(groups[1]).getByText('×2')).toBeInTheDocument();
    expect(
      within(groups[1]).getByText(/High error rate on checkout/),
    ).toBeInTheDocument();
  });

  it("links each firing alert's runbook and a silence for exactly its labels", async () => {
    const firing = checkoutView.firing.alerts.find(a => a.state === 'firing')!;
    await renderInTestApp(
      <FiringAlerts
        alerts={checkoutView.firing.alerts}
        alertmanagerUrl="http://am.test:9093"
      />,
    );
    const silence = screen.getByRole('link', {
      name: new RegExp(`^Silence ${firing.name}\\b`),
    });
    const filter = decodeURIComponent(
      silence.getAttribute('href')!.split('filter=')[1],
    );
    for (const [name, value] of Object.entries(firing.labels))
      expect(filter).toContain(`${name}="${value}"`);
    expect(silence.getAttribute('href')).toMatch(
      /^http:\/\/am\.test:9093\/#\/silences\/new\?filter=/,
    );
    // Suppressed alerts are silenced or inhibited already: no second silence.
    expect(screen.getAllByRole('link', { name: /^Silence / })).toHaveLength(
      checkoutView.firing.alerts.filter(a => a.state === 'firing').length,
    );
    const runbook = within(
      screen.getByText(firing.name).closest('li')!,
    ).getByRole('link', { name: /^Runbook/ });
    expect(firing.annotations.runbook_url).toMatch(/^https?:\/\//);
    expect(runbook).toHaveAttribute('href', firing.annotations.runbook_url);
  });

  it('shows an empty message and why live data is missing', async () => {
    await renderInTestApp(
      <FiringAlerts alerts={[]} unknownReason={PROMETHEUS_DOWN} />,
    );
    expect(
      screen.getByText('No alerts are firing for this entity.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(`Live alerts unavailable: ${PROMETHEUS_DOWN}`),
    ).toBeInTheDocument();
  });

  it('counts firing and suppressed alerts apart in its title', () => {
    const [alert] = checkoutView.firing.alerts;
    const withState = (state: typeof alert.state, n: number) =>
      Array.from({ length: n }, () => ({ ...alert, state }));
    expect(
      firingAlertsTitle([
        ...withState('firing', 4),
        ...withState('suppressed', 6),
      ]),
    ).toBe('Firing alerts (4) · 6 suppressed');
    expect(
      firingAlertsTitle([
        ...withState('firing', 1),
        ...withState('pending', 2),
      ]),
    ).toBe('Firing alerts (1) · 2 pending');
    expect(firingAlertsTitle([])).toBe('Firing alerts (0)');
  });
});
