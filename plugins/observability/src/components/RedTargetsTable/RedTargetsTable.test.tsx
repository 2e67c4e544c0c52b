import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { RedTargetsTable } from './RedTargetsTable';
import {
  checkoutView,
  legacyBillingView,
  PROMETHEUS_DOWN,
} from '../../__testUtils__/fixtures';

describe('RedTargetsTable', () => {
  it('shows the three RED rows with their own thresholds, sources and live values', async () => {
    await renderInTestApp(
      <RedTargetsTable
        targets={checkoutView.redTargets}
        live={checkoutView.live}
      />,
    );
    const errorRow = screen.getByText('Error ratio').closest('tr')!;
    expect(within(errorRow).getByText('> 0.5 %')).toBeInTheDocument();
    expect(
      within(errorRow).getByText(
        'annotation: redline.dev/error-rate-threshold',
      ),
    ).toBeInTheDocument();
    // The threshold's `for` and source sit in its cell: four columns fit 1024 px.
    const thresholdCell = within(errorRow).getByText('> 0.5 %').closest('td')!;
    expect(thresholdCell).toHaveTextContent(
      '> 0.5 %for 5mannotation: redline.dev/error-rate-threshold',
    );
    expect(within(errorRow).getByText('0.21 %')).toBeInTheDocument();
    expect(
      within(errorRow).getByRole('img', { name: 'Error ratio trend' }),
    ).toBeInTheDocument();
    const latencyRow = screen.getByText('P99 latency').closest('tr')!;
    expect(within(latencyRow).getByText('> 400 ms')).toBeInTheDocument();
    expect(within(latencyRow).getByText('245 ms')).toBeInTheDocument();
    const rateRow = screen.getByText('Request rate').closest('tr')!;
    expect(
      within(rateRow).getByText('drop > 40 % vs usual'),
    ).toBeInTheDocument();
    expect(
      within(rateRow).getByText('annotation: redline.dev/rate-drop-threshold'),
    ).toBeInTheDocument();
    // The rate is live in requests per second, not in the target's percent.
    expect(within(rateRow).getByText('12.5 req/s')).toBeInTheDocument();
    expect(
      within(rateRow).getByText(
        'sum(rate(http_requests_total{service="checkout"}[5m]))',
      ).tagName,
    ).toBe('CODE');
  });

  it('judges each live value against its threshold, in colour, icon and words', async () => {
    const live = checkoutView.live!;
    await renderInTestApp(
      <RedTargetsTable
        targets={checkoutView.redTargets}
        live={{
          ...live,
          values: live.values.map(v =>
            v.signal === 'errors' ? { ...v, value: 100 } : v,
          ),
        }}
      />,
    );
    // 100 % errors next to "> 0.5 %" is a breach, never neutral.
    const errorRow = screen.getByText('Error ratio').closest('tr')!;
    const errorValue = within(errorRow).getByText('100 %');
    expect(errorValue.closest('[data-judgement]')).toHaveAttribute(
      'data-judgement',
      'breach',
    );
    expect(errorValue).toHaveTextContent(
      '100 %, breaching its threshold (> 0.5 %)',
    );
    const latencyRow = screen.getByText('P99 latency').closest('tr')!;
    expect(
      within(latencyRow)
        .getByText(/245 ms/)
        .closest('[data-judgement]'),
    ).toHaveAttribute('data-judgement', 'ok');
    expect(
      within(latencyRow).getByText(/within its threshold \(> 400 ms\)/),
    ).toBeInTheDocument();
    // The rate's threshold is relative to its usual value: not judged here.
    const rateRow = screen.getByText('Request rate').closest('tr')!;
    expect(
      within(rateRow)
        .getByText(/12\.5 req\/s/)
        .closest('[data-judgement]'),
    ).toHaveAttribute('data-judgement', 'unjudged');
  });

  it('hides the live column without live data and shows seed defaults', async () => {
    await renderInTestApp(
      <RedTargetsTable targets={legacyBillingView.redTargets} />,
    );
    expect(screen.queryByText('Live')).not.toBeInTheDocument();
    expect(screen.getByText('> 1 %')).toBeInTheDocument();
    expect(screen.getByText('> 500 ms')).toBeInTheDocument();
    expect(screen.getByText('drop > 50 % vs usual')).toBeInTheDocument();
    expect(screen.getAllByText('default')).toHaveLength(3);
  });

  it('explains when live data is unavailable', async () => {
    await renderInTestApp(
      <RedTargetsTable
        targets={legacyBillingView.redTargets}
        live={legacyBillingView.live}
      />,
    );
    expect(
      screen.getByText(
        `Live data: unknown — Metric collection failed (${PROMETHEUS_DOWN}) and no log source is configured (add redline.dev/log-selector for a log-based fallback).`,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText('no data')).toHaveLength(3);
  });

  it('renders an empty message without targets', async () => {
    await renderInTestApp(<RedTargetsTable targets={[]} />);
    expect(
      screen.getByText('No RED targets could be computed for this entity.'),
    ).toBeInTheDocument();
  });
});
