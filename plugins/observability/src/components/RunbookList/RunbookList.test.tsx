import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { RunbookList } from './RunbookList';
import { checkoutView } from '../../testUtils/fixtures';

describe('RunbookList', () => {
  it('expands a runbook into sanitised Markdown', async () => {
    await renderInTestApp(<RunbookList runbooks={checkoutView.runbooks} />);
    const summary = screen.getByRole('button', {
      name: 'HighErrorRate — checkout',
    });
    expect(summary).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(summary);
    expect(
      await screen.findByRole('heading', { name: 'Debug checklist' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /dashboard/ })).toHaveAttribute(
      'href',
      'https://grafana.example.com/d/checkout',
    );
    expect(
      screen.queryByRole('link', { name: 'this' }),
    ).not.toBeInTheDocument();
  });

  it('says so when there are no runbooks', async () => {
    await renderInTestApp(<RunbookList runbooks={[]} />);
    expect(
      screen.getByText('No runbooks were generated for this entity.'),
    ).toBeInTheDocument();
  });
});
