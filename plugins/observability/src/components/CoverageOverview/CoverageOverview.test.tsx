import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { observabilityApiRef, type ObservabilityApi } from '../../api';
import { CoverageOverview } from './CoverageOverview';
import {
  coverageHistory,
  coverageResponse,
  sloAttainmentHistory,
} from '../../__testUtils__/handWrittenFixtures';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';

function renderPage(api: ObservabilityApi, address = '/') {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <CoverageOverview />
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      routeEntries: [address],
    },
  );
}

const fullApi = () =>
  mockObservabilityApi({
    getCoverage: async query => ({
      ...coverageResponse,
      page: query?.page ?? 1,
      pageSize: query?.pageSize ?? 25,
    }),
    getCoverageHistory: async () => coverageHistory,
    getSloAttainment: async () => sloAttainmentHistory,
  });

/** The cell texts of a team's row in the Teams table. */
const teamCells = (team: string) =>
  within(
    screen
      .getByRole('button', { name: `Show entities of ${team}` })
      .closest('tr')!,
  )
    .getAllByRole('cell')
    .map(c => c.textContent);

describe('CoverageOverview', () => {
  it('shows progress while loading', async () => {
    await renderPage(mockObservabilityApi({ getCoverage: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows an error panel when coverage cannot be loaded', async () => {
    await renderPage(
      mockObservabilityApi({
        getCoverage: () => Promise.reject(new Error('coverage store down')),
      }),
    );
    expect(
      await screen.findByText('Error: coverage store down', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('shows an empty state before the first evaluation', async () => {
    await renderPage(
      mockObservabilityApi({
        getCoverage: async () => ({
          items: [],
          totalItems: 0,
          page: 1,
          pageSize: 1,
          teams: [],
          summary: {
            services: 0,
            withSlo: 0,
            withRunbooks: 0,
            withRulesDeployed: 0,
            meanConfidence: 0,
          },
        }),
      }),
    );
    expect(await screen.findByText('No coverage data yet')).toBeInTheDocument();
  });

  it('shows summary figures, the team table and the overall trend', async () => {
    const api = fullApi();
    await renderPage(api);
    const summary = await screen.findByRole('region', {
      name: 'Coverage summary',
    });
    expect(summary).toHaveTextContent('32Services');
    expect(summary).toHaveTextContent('47 %With SLO');
    expect(summary).toHaveTextContent('58 %Mean confidence');
    expect(summary).toHaveTextContent(
      '80 %SLOs meeting objective24 of 30 measured',
    );
    expect(teamCells('payments')).toEqual([
      'payments',
      '6',
      '50 %',
      '33 %',
      '17 %',
      '55 %',
      '14 of 19 (74 %)',
      '3 (1 exhausted)',
    ]);
    expect(
      await screen.findByRole('img', { name: /Coverage trend for all teams/ }),
    ).toBeInTheDocument();
    expect(api.getCoverageHistory).toHaveBeenCalledWith({});
    expect(api.getCoverage).toHaveBeenCalledWith({ page: 1, pageSize: 1 });
  });

  it('says "no data", never 0 %, for a team whose SLOs had no data', async () => {
    await renderPage(fullApi());
    await screen.findByRole('region', { name: 'Coverage summary' });
    expect(teamCells('search').slice(-2)).toEqual(['no data', 'no data']);
    expect(
      screen.getByRole('columnheader', { name: 'Budgets < 25 %' }),
    ).toBeInTheDocument();
  });

  it('says "no data" in the summary for a run that did not measure attainment', async () => {
    const { slos, slosMeasured, slosMeeting, sloMeetingShare, ...older } =
      coverageResponse.summary;
    await renderPage(
      mockObservabilityApi({
        getCoverage: async () => ({ ...coverageResponse, summary: older }),
        getCoverageHistory: async () => coverageHistory,
        getSloAttainment: async () => ({ months: [] }),
      }),
    );
    expect(
      await screen.findByRole('region', { name: 'Coverage summary' }),
    ).toHaveTextContent('no dataSLOs meeting objective');
  });

  it("shows the monthly SLO attainment, then the drilled-in team's", async () => {
    const api = fullApi();
    await renderPage(api);
    expect(
      await screen.findByRole('table', { name: 'SLO attainment by month' }),
    ).toBeInTheDocument();
    expect(api.getSloAttainment).toHaveBeenLastCalledWith({});
    await userEvent.click(
      screen.getByRole('button', { name: 'Show entities of payments' }),
    );
    await waitFor(() =>
      expect(api.getSloAttainment).toHaveBeenLastCalledWith({
        team: 'payments',
      }),
    );
    expect(
      screen.getByText('SLO attainment by month — payments'),
    ).toBeInTheDocument();
  });

  it('drills down into a team with server paging and sorting, and back', async () => {
    const api = fullApi();
    await renderPage(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Show entities of payments' }),
    );
    const table = await screen.findByRole('table', { name: 'Entities' });
    expect(api.getCoverage).toHaveBeenLastCalledWith({
      owner: ['payments'],
      page: 1,
      pageSize: 25,
      sort: 'confidence',
      order: 'asc',
    });
    expect(api.getCoverageHistory).toHaveBeenLastCalledWith({
      team: 'payments',
    });
    const checkout = within(table).getByRole('link', { name: 'checkout' });
    expect(checkout).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/observability',
    );
    expect(within(table).getByText('SLO declared')).toBeInTheDocument();
    expect(within(table).getByText('(+3 more)')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Go to next page' }),
    );
    await waitFor(() =>
      expect(api.getCoverage).toHaveBeenLastCalledWith(
        expect.objectContaining({ owner: ['payments'], page: 2 }),
      ),
    );

    await userEvent.click(
      within(await screen.findByRole('table', { name: 'Entities' })).getByRole(
        'button',
        { name: 'Entity' },
      ),
    );
    await waitFor(() =>
      expect(api.getCoverage).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'name', order: 'asc', page: 1 }),
      ),
    );

    await userEvent.click(screen.getByRole('button', { name: 'All teams' }));
    expect(
      await screen.findByRole('button', { name: 'Show entities of search' }),
    ).toBeInTheDocument();
  });

  it('restores filters and the drill-down from a shared link', async () => {
    const api = fullApi();
    await renderPage(api, '/?owner=payments&tier=tier-1&team=payments');
    expect(
      await screen.findByRole('table', { name: 'Entities' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Owner' })).toHaveValue(
      'payments',
    );
    expect(api.getCoverage).toHaveBeenLastCalledWith(
      expect.objectContaining({ owner: ['payments'], tier: ['tier-1'] }),
    );
    expect(api.getCoverageHistory).toHaveBeenLastCalledWith({
      team: 'payments',
    });
    // History is per team: the card says which filters it cannot follow.
    expect(
      screen.getByText(
        /History is kept per team: this trend covers every tier/,
      ),
    ).toBeInTheDocument();
  });

  it('follows the owner filter in the trend', async () => {
    const api = fullApi();
    await renderPage(api);
    await screen.findByRole('region', { name: 'Coverage summary' });
    expect(api.getCoverageHistory).toHaveBeenLastCalledWith({});
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Owner' }),
      'group:default/search',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Apply filters' }),
    );
    await waitFor(() =>
      expect(api.getCoverageHistory).toHaveBeenLastCalledWith({
        team: 'search',
      }),
    );
    expect(await screen.findByText('Trend — search')).toBeInTheDocument();
  });

  it('applies filters on submit and exports the filtered CSV', async () => {
    const api = fullApi();
    api.exportCoverageCsv.mockResolvedValue({
      blob: new Blob(['a,b\n']),
      fileName: 'observability-coverage.csv',
    });
    const clicked: string[] = [];
    Object.assign(URL, {
      createObjectURL: jest.fn(() => 'blob:x'),
      revokeObjectURL: jest.fn(),
    });
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function recordClick(this: HTMLAnchorElement) {
        clicked.push(this.download);
      });
    await renderPage(api);
    await screen.findByRole('region', { name: 'Coverage summary' });
    await userEvent.type(
      screen.getByRole('textbox', { name: 'System' }),
      'commerce',
    );
    await userEvent.click(screen.getByRole('combobox', { name: 'Lifecycle' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'production' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Apply filters' }),
    );
    await waitFor(() =>
      expect(api.getCoverage).toHaveBeenLastCalledWith({
        system: ['commerce'],
        lifecycle: ['production'],
        page: 1,
        pageSize: 1,
      }),
    );
    await screen.findByRole('region', { name: 'Coverage summary' });
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() =>
      expect(clicked).toEqual(['observability-coverage.csv']),
    );
    expect(api.exportCoverageCsv).toHaveBeenCalledWith({
      system: ['commerce'],
      lifecycle: ['production'],
    });
    jest.restoreAllMocks();
  });

  it("downloads the catalog's Alertmanager config, then the drilled-in team's", async () => {
    const api = fullApi();
    api.getCatalogAlertmanagerConfig.mockImplementation(async options => ({
      blob: new Blob(['route: {}\n']),
      fileName: options?.team
        ? `${options.team}-alertmanager.yaml`
        : 'alertmanager.yaml',
    }));
    const clicked: string[] = [];
    Object.assign(URL, {
      createObjectURL: jest.fn(() => 'blob:x'),
      revokeObjectURL: jest.fn(),
    });
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function recordClick(this: HTMLAnchorElement) {
        clicked.push(this.download);
      });
    await renderPage(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Download Alertmanager config',
      }),
    );
    await waitFor(() => expect(clicked).toEqual(['alertmanager.yaml']));
    expect(api.getCatalogAlertmanagerConfig).toHaveBeenLastCalledWith({});

    await userEvent.click(
      screen.getByRole('button', { name: 'Show entities of payments' }),
    );
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Download Alertmanager config for payments',
      }),
    );
    await waitFor(() =>
      expect(clicked).toEqual([
        'alertmanager.yaml',
        'payments-alertmanager.yaml',
      ]),
    );
    expect(api.getCatalogAlertmanagerConfig).toHaveBeenLastCalledWith({
      team: 'payments',
    });
    jest.restoreAllMocks();
  });

  it('shows an error panel when the Alertmanager config cannot be downloaded', async () => {
    const api = fullApi();
    api.getCatalogAlertmanagerConfig.mockRejectedValue(
      new Error('catalog unavailable'),
    );
    await renderPage(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Download Alertmanager config',
      }),
    );
    expect(
      await screen.findByText('Error: Alertmanager config download failed', {
        selector: 'h6',
      }),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/catalog unavailable/).length).toBeGreaterThan(
      0,
    );
  });
});
