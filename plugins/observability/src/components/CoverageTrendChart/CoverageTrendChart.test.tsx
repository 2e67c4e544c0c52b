import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { CoverageTrendChart } from './CoverageTrendChart';
import { coverageHistory } from '../../__testUtils__/handWrittenFixtures';

describe('CoverageTrendChart', () => {
  it('draws one line per series over time with an accessible summary and legend', async () => {
    await renderInTestApp(
      <CoverageTrendChart
        points={[...coverageHistory].reverse()}
        scope="payments"
        width={140}
        height={134}
      />,
    );
    const chart = screen.getByRole('img', {
      name: /Coverage trend for payments: latest Mean confidence 58 %, With SLO 47 %/,
    });
    const confidence = chart.querySelector(
      'polyline[data-series="meanConfidence"]',
    )!;
    // x: 40..130 over three days; y: 10 (100 %)..110 (0 %)
    expect(confidence.getAttribute('points')).toBe(
      '40.0,69.0 85.0,60.0 130.0,52.0',
    );
    expect(chart.querySelectorAll('polyline')).toHaveLength(4);
    expect(
      within(screen.getByRole('list', { name: 'Legend' })).getByText(
        'Rules deployed: 25 %',
      ),
    ).toBeInTheDocument();
  });

  it('fills the width of its container', async () => {
    const original = window.ResizeObserver;
    const rect = jest
      .spyOn(HTMLElement.prototype, 'getBoundingClientRect')
      .mockReturnValue({ width: 1180 } as DOMRect);
    window.ResizeObserver = class {
      observe() {}
      disconnect() {}
      unobserve() {}
    };
    try {
      await renderInTestApp(
        <CoverageTrendChart points={coverageHistory} scope="all teams" />,
      );
      const chart = screen.getByRole('img', { name: /Coverage trend/ });
      expect(chart).toHaveAttribute('width', '1180');
      expect(chart).toHaveAttribute('viewBox', '0 0 1180 220');
    } finally {
      window.ResizeObserver = original;
      rect.mockRestore();
    }
  });

  it('explains when there is not enough history', async () => {
    await renderInTestApp(
      <CoverageTrendChart
        points={coverageHistory.slice(0, 1)}
        scope="all teams"
      />,
    );
    expect(
      screen.getByText('Not enough history yet for a trend (1 evaluation).'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });
});
