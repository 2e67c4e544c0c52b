import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { BurnDownChart } from './BurnDownChart';
import {
  burningSlo,
  exhaustedSlo,
  healthySlo,
  noDataSlo,
} from '../../__testUtils__/sloFixtures';

describe('BurnDownChart', () => {
  it('summarises the budget and breaks the line at a gap', async () => {
    await renderInTestApp(<BurnDownChart status={healthySlo} />);
    const chart = screen.getByRole('img', {
      name: 'Error budget burn-down for Availability over 30 days, rolling: 50.0 % remaining at the latest point, lowest 50.0 %; 1 gap in the data; 0 alerts fired',
    });
    const d = chart
      .querySelector('path[data-series="remaining"]')!
      .getAttribute('d')!;
    // Two segments, each starting with a move: no line is drawn across the gap.
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d).not.toMatch(/NaN/);
    expect(
      chart.querySelector('[data-testid="budget-zero-line"]'),
    ).toBeInTheDocument();
    expect(chart.querySelector('desc')).toHaveTextContent(
      'No alert of this SLO fired in the window.',
    );
  });

  it('marks each firing with the alert name on hover and in a list', async () => {
    await renderInTestApp(<BurnDownChart status={burningSlo} />);
    const chart = screen.getByRole('img', { name: /2 alerts fired$/ });
    const markers = chart.querySelectorAll('[data-testid="firing-marker"]');
    expect(markers).toHaveLength(2);
    expect(markers[1].getAttribute('aria-label')).toBe(
      'CheckoutLatencySloBurnFast (page, 1h burn window) fired 2026-11-04 18:00 UTC, still firing',
    );
    expect(markers[0].querySelector('title')).toHaveTextContent(
      'CheckoutLatencySloBurnSlow (ticket, 6h burn window) fired 2026-10-30 06:00 UTC, until 2026-10-30 12:00 UTC',
    );
    // An ended firing also shades how long it lasted.
    expect(markers[0].querySelector('rect')).toBeInTheDocument();
    expect(markers[1].querySelector('rect')).not.toBeInTheDocument();
    expect(
      within(
        screen.getByRole('list', { name: 'Alerts fired for Latency ≤ 400 ms' }),
      ).getAllByRole('listitem'),
    ).toHaveLength(2);
  });

  it('extends the axis below zero for a spent budget', async () => {
    await renderInTestApp(<BurnDownChart status={exhaustedSlo} />);
    const chart = screen.getByRole('img', {
      name: /-50\.0 % remaining at the latest point, lowest -50\.0 %/,
    });
    expect(chart).toHaveTextContent('-50%');
  });

  it('says so instead of drawing when there is no data', async () => {
    await renderInTestApp(<BurnDownChart status={noDataSlo} />);
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(
      screen.getByText(/^No burn-down for Latency ≤ 300 ms/),
    ).toHaveTextContent('No requests in the window');
  });
});
