import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { ConfidenceSummary, scoreColor } from './ConfidenceSummary';
import { checkoutView } from '../../testUtils/fixtures';

describe('ConfidenceSummary', () => {
  it('shows the score and the breakdown, unmet factors first', async () => {
    await renderInTestApp(
      <ConfidenceSummary confidence={checkoutView.confidence} />,
    );
    expect(
      screen.getByRole('progressbar', { name: 'Confidence score 82 %' }),
    ).toHaveAttribute('aria-valuenow', '82');
    const items = within(
      screen.getByRole('list', { name: 'Confidence breakdown' }),
    ).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent(
      'Rules deployed (30 %)1 of 3 alerts loaded',
    );
    expect(within(items[0]).getByTitle('not met')).toBeInTheDocument();
    expect(within(items[1]).getByTitle('met')).toBeInTheDocument();
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
