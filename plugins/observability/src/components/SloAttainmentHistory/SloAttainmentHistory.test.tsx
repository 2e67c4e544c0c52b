import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { observabilityApiRef, type ObservabilityApi } from '../../api';
import { SloAttainmentHistory } from './SloAttainmentHistory';
import { sloAttainmentHistory } from '../../__testUtils__/handWrittenFixtures';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';

function renderSection(api: ObservabilityApi, team?: string) {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <SloAttainmentHistory team={team} />
    </TestApiProvider>,
  );
}

/** Each body row's texts: the month, then one cell per column. */
function rowTexts() {
  const table = screen.getByRole('table', { name: 'SLO attainment by month' });
  return within(table)
    .getAllByRole('row')
    .map(row => Array.from(row.children, c => c.textContent));
}

describe('SloAttainmentHistory', () => {
  it('shows progress while loading', async () => {
    await renderSection(mockObservabilityApi({ getSloAttainment: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows an error panel when attainment cannot be loaded', async () => {
    await renderSection(
      mockObservabilityApi({
        getSloAttainment: () => Promise.reject(new Error('store down')),
      }),
    );
    expect(
      await screen.findByText('Error: store down', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('shows an empty state before any run measured attainment', async () => {
    await renderSection(
      mockObservabilityApi({ getSloAttainment: async () => ({ months: [] }) }),
    );
    expect(
      await screen.findByText('No SLO attainment recorded yet'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'SLO attainment by month' }),
    ).not.toBeInTheDocument();
  });

  it('tabulates months (newest first) against teams, overall first', async () => {
    const api = mockObservabilityApi({
      getSloAttainment: async () => sloAttainmentHistory,
    });
    await renderSection(api);
    await screen.findByRole('table', { name: 'SLO attainment by month' });
    expect(rowTexts()).toEqual([
      ['Month', 'All teams', 'payments', 'search'],
      ['2026-11', '24 of 30 (80 %)', '14 of 19 (74 %)', '—'],
      ['2026-10', '20 of 26 (77 %)', '11 of 17 (65 %)', 'no data'],
    ]);
    expect(api.getSloAttainment).toHaveBeenCalledWith({});
  });

  it("asks for one team's months when a team is selected", async () => {
    const api = mockObservabilityApi({
      getSloAttainment: async () => ({
        months: sloAttainmentHistory.months.filter(m => m.team === 'payments'),
      }),
    });
    await renderSection(api, 'payments');
    await screen.findByRole('table', { name: 'SLO attainment by month' });
    expect(api.getSloAttainment).toHaveBeenCalledWith({ team: 'payments' });
    expect(rowTexts()[0]).toEqual(['Month', 'payments']);
  });

  it("downloads the team's months as CSV", async () => {
    const api = mockObservabilityApi({
      getSloAttainment: async () => sloAttainmentHistory,
      exportSloAttainmentCsv: async () => ({
        blob: new Blob(['month,team\r\n']),
        fileName: 'slo-attainment.csv',
      }),
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
    await renderSection(api, 'payments');
    await userEvent.click(
      await screen.findByRole('button', { name: 'Download CSV' }),
    );
    await waitFor(() => expect(clicked).toEqual(['slo-attainment.csv']));
    expect(api.exportSloAttainmentCsv).toHaveBeenCalledWith({
      team: 'payments',
    });
    jest.restoreAllMocks();
  });

  it('shows an error panel when the CSV cannot be downloaded', async () => {
    const api = mockObservabilityApi({
      getSloAttainment: async () => sloAttainmentHistory,
      exportSloAttainmentCsv: () => Promise.reject(new Error('csv broke')),
    });
    await renderSection(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Download CSV' }),
    );
    expect(
      await screen.findByText('Error: Download failed', { selector: 'h6' }),
    ).toBeInTheDocument();
  });
});
