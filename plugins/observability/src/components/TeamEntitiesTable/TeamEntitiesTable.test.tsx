import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  TeamEntitiesTable,
  type TeamEntitiesTableProps,
} from './TeamEntitiesTable';
import { coverageResponse } from '../../__testUtils__/handWrittenFixtures';

function renderTable(overrides: Partial<TeamEntitiesTableProps> = {}) {
  const props: TeamEntitiesTableProps = {
    items: coverageResponse.items,
    totalItems: 32,
    page: 1,
    pageSize: 10,
    sort: 'confidence',
    order: 'asc',
    onPageChange: jest.fn(),
    onPageSizeChange: jest.fn(),
    onSortChange: jest.fn(),
    ...overrides,
  };
  return renderInTestApp(<TeamEntitiesTable {...props} />, {
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  }).then(() => props);
}

describe('TeamEntitiesTable', () => {
  it('renders one page of rows with links to each Observability tab', async () => {
    await renderTable();
    const rows = within(screen.getByRole('table', { name: 'Entities' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows).toHaveLength(2);
    expect(
      within(rows[1]).getByRole('link', { name: 'legacy-billing' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/legacy-billing/observability',
    );
    expect(rows[1]).toHaveTextContent('deprecated');
    expect(rows[1]).toHaveTextContent('20 %');
    expect(screen.getByText('1–10 of 32')).toBeInTheDocument();
  });

  it("shows each entity's lowest budget left, with its state in words", async () => {
    await renderTable();
    const table = screen.getByRole('table', { name: 'Entities' });
    const column = within(table)
      .getAllByRole('columnheader')
      .findIndex(h => h.textContent === 'Lowest budget left');
    const cells = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(r => within(r).getAllByRole('cell')[column].textContent);
    // checkout overspent its budget; legacy-billing has no SLO at all.
    expect(cells).toEqual(['-12.5 % (exhausted)', '—']);
  });

  it('shows "no data" for an entity whose SLOs had no data, and a plain value for a healthy budget', async () => {
    const [checkout] = coverageResponse.items;
    await renderTable({
      items: [
        { ...checkout, lowestBudgetPercent: null },
        {
          ...checkout,
          entityRef: 'component:default/cart',
          name: 'cart',
          lowestBudgetPercent: 61.25,
        },
      ],
    });
    const rows = within(screen.getByRole('table', { name: 'Entities' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows[0]).toHaveTextContent('no data');
    expect(rows[1]).toHaveTextContent('61.3 %');
    expect(rows[1]).not.toHaveTextContent('exhausted');
  });

  it('reports 1-based pages and toggles the sort order of the active column', async () => {
    const props = await renderTable();
    await userEvent.click(
      screen.getByRole('button', { name: 'Go to next page' }),
    );
    expect(props.onPageChange).toHaveBeenCalledWith(2);
    await userEvent.click(screen.getByRole('button', { name: 'Confidence' }));
    expect(props.onSortChange).toHaveBeenCalledWith('confidence', 'desc');
    await userEvent.click(screen.getByRole('button', { name: 'Tier' }));
    expect(props.onSortChange).toHaveBeenLastCalledWith('tier', 'asc');
  });

  it('moves kind, system, lifecycle and tier under the name on a narrow screen', async () => {
    // Every media query matches, as `max-width` ones do at 1024 px.
    const original = window.matchMedia;
    window.matchMedia = (query: string) =>
      ({
        matches: true,
        media: query,
        onchange: null,
        addListener: jest.fn(),
        removeListener: jest.fn(),
        addEventListener: jest.fn(),
        removeEventListener: jest.fn(),
        dispatchEvent: jest.fn(),
      } as MediaQueryList);
    try {
      await renderTable();
      const table = screen.getByRole('table', { name: 'Entities' });
      const headers = within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent);
      expect(headers).not.toContain('Kind');
      expect(headers).not.toContain('Lifecycle');
      const legacy = within(table)
        .getAllByRole('row')
        .find(r => within(r).queryByRole('link', { name: 'legacy-billing' }));
      const [first] = within(legacy!).getAllByRole('cell');
      expect(first).toHaveTextContent(
        'legacy-billingComponent · — · deprecated · —',
      );
    } finally {
      window.matchMedia = original;
    }
  });

  it('says so when nothing matches', async () => {
    await renderTable({ items: [], totalItems: 0 });
    expect(
      screen.getByText('No entities match these filters.'),
    ).toBeInTheDocument();
  });
});
