import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { FindingsList } from './FindingsList';
import { brokenAnnotationsView } from '../../testUtils/fixtures';

describe('FindingsList', () => {
  it('lists findings worst first with annotation, value, expectation and fix', async () => {
    await renderInTestApp(
      <FindingsList findings={[...brokenAnnotationsView.findings].reverse()} />,
    );
    const items = within(
      screen.getByRole('list', { name: 'Findings' }),
    ).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent(
      'redline.dev/slo-availability must be a percentage',
    );
    expect(items[0]).toHaveTextContent(
      'Annotation redline.dev/slo-availability has value "lots"; expected a number in (0, 100)',
    );
    expect(items[0]).toHaveTextContent('redline.dev/slo-availability: "99.9"');
    expect(
      within(items[0]).getByRole('button', { name: 'Copy text' }),
    ).toBeInTheDocument();
    expect(items[1]).toHaveTextContent(
      'redline.dev/latency-p99-threshold is not a duration',
    );
    expect(
      within(items[1]).queryByRole('button', { name: 'Copy text' }),
    ).not.toBeInTheDocument();
  });

  it('says so when there are no findings', async () => {
    await renderInTestApp(<FindingsList findings={[]} />);
    expect(
      screen.getByText("No problems found in this entity's metadata."),
    ).toBeInTheDocument();
  });
});
