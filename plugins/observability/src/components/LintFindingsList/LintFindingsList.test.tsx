import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { LintFindingsList } from './LintFindingsList';

describe('LintFindingsList', () => {
  it('says why when the live rules were not linted', async () => {
    await renderInTestApp(
      <LintFindingsList
        findings={undefined}
        unknownReason="Prometheus: no instance is configured"
      />,
    );
    expect(
      screen.getByText(
        'The live rules were not linted: Prometheus: no instance is configured',
      ),
    ).toBeInTheDocument();
  });

  it('says so when there is nothing to fix', async () => {
    await renderInTestApp(<LintFindingsList findings={[]} />);
    expect(
      screen.getByText(/follow the alerting practices/),
    ).toBeInTheDocument();
  });

  it('lists findings worst first, with location and fix', async () => {
    await renderInTestApp(
      <LintFindingsList
        findings={[
          {
            ruleId: 'alert/missing-runbook-url',
            severity: 'warning',
            message: 'Alert CheckoutDown has no runbook_url annotation.',
            location: 'prometheus:main group legacy rule CheckoutDown',
            fix: 'Add annotations.runbook_url with an absolute http(s) link.',
          },
          {
            ruleId: 'alert/cause-not-symptom',
            severity: 'error',
            message: 'Critical alert HighCpu pages on CPU usage, a cause.',
            location: 'prometheus:main group legacy rule HighCpu',
          },
        ]}
      />,
    );
    const items = within(
      screen.getByRole('list', { name: 'Rule lint findings' }),
    ).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('alert/cause-not-symptom');
    expect(items[1]).toHaveTextContent('alert/missing-runbook-url');
    expect(items[1]).toHaveTextContent(
      'Fix: Add annotations.runbook_url with an absolute http(s) link.',
    );
  });
});
