import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { FindingsList } from './FindingsList';
import {
  brokenAnnotationsView,
  legacyBillingView,
} from '../../__testUtils__/fixtures';

function findingItems() {
  return within(screen.getByRole('list', { name: 'Findings' })).getAllByRole(
    'listitem',
  );
}

describe('FindingsList', () => {
  it('lists findings worst first, with annotation, expectation and a fix to copy', async () => {
    // The parser reports legacy-billing's missing SLO and runbook (info) before the routing error.
    await renderInTestApp(
      <FindingsList findings={legacyBillingView.findings} />,
    );
    const items = findingItems();
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent(
      'No PagerDuty, Opsgenie, Slack or webhook receiver is declared, so alerts for team "payments" notify nobody.',
    );
    expect(items[1]).toHaveTextContent('No SLO is declared');
    expect(items[1]).toHaveTextContent(
      'Annotation redline.dev/slo-availability; expected a percentage strictly between 0 and 100 over 30 days',
    );
    expect(items[1]).toHaveTextContent('redline.dev/slo-availability: "99.9"');
    expect(
      within(items[1]).getByRole('button', { name: 'Copy text' }),
    ).toBeInTheDocument();
    expect(items[2]).toHaveTextContent('No runbook-url');
  });

  it('shows the rejected value of each broken annotation', async () => {
    await renderInTestApp(
      <FindingsList findings={brokenAnnotationsView.findings} />,
    );
    const items = findingItems();
    expect(items).toHaveLength(brokenAnnotationsView.findings.length);
    const serviceName = items.find(item =>
      item.textContent!.includes('Annotation redline.dev/service-name'),
    )!;
    expect(serviceName).toHaveTextContent(
      'Annotation redline.dev/service-name has value "Broken Service!"; expected a label-safe service name',
    );
    const tier = items.find(item =>
      item.textContent!.includes('Annotation redline.dev/tier'),
    )!;
    expect(within(tier).getByText('"platinum"')).toBeInTheDocument();
  });

  it('says so when there are no findings', async () => {
    await renderInTestApp(<FindingsList findings={[]} />);
    expect(
      screen.getByText("No problems found in this entity's metadata."),
    ).toBeInTheDocument();
  });
});
