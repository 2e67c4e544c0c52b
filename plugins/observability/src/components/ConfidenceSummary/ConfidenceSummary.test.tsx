import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { ConfidenceSummary, scoreColor } from './ConfidenceSummary';
import { legacyBillingView } from '../../__testUtils__/fixtures';

describe('ConfidenceSummary', () => {
  it('shows the score and the breakdown, unmet factors first', async () => {
    await renderInTestApp(
      <ConfidenceSummary confidence={legacyBillingView.confidence} />,
    );
    expect(
      screen.getByRole('progressbar', { name: 'Confidence score 15 %' }),
    ).toHaveAttribute('aria-valuenow', '15');
    const items = within(
      screen.getByRole('list', { name: 'Confidence breakdown' }),
    ).getAllByRole('listitem');
    // legacy-billing has an owner and nothing else: the heaviest gap comes first.
    expect(items[0]).toHaveTextContent(
      'Service-level objective (20 %)no SLO: only static thresholds, no error-budget alerts',
    );
    expect(within(items[0]).getByTitle('not met')).toBeInTheDocument();
    const last = items[items.length - 1];
    expect(last).toHaveTextContent(
      'Owner (15 %)owned by group:default/payments',
    );
    expect(within(last).getByTitle('met')).toBeInTheDocument();
  });

  it('handles a score without factors', async () => {
    await renderInTestApp(
      <ConfidenceSummary confidence={{ score: 0, factors: [] }} />,
    );
    expect(screen.getByText('No factors were evaluated.')).toBeInTheDocument();
  });

  it('bands scores into palette colours', () => {
    expect([scoreColor(0.9), scoreColor(0.6), scoreColor(0.1)]).toEqual([
      'success',
      'warning',
      'error',
    ]);
  });
});
