import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { coverageResponse } from '../../__testUtils__/handWrittenFixtures';
import { TeamsTable } from './TeamsTable';
import { sortTeams } from './teamSort';

const teamOrder = () =>
  screen
    .getAllByRole('button', { name: /^Show entities of / })
    .map(b => b.textContent);

describe('TeamsTable', () => {
  it('says which column is sorted and how, and re-sorts on click', async () => {
    const onSelect = jest.fn();
    await renderInTestApp(
      <TeamsTable teams={coverageResponse.teams} onSelect={onSelect} />,
    );
    const header = (name: string) =>
      screen.getByRole('columnheader', { name: new RegExp(`^${name}`) });
    expect(header('Mean confidence')).toHaveAttribute('aria-sort', 'ascending');
    expect(header('Team')).not.toHaveAttribute('aria-sort');
    expect(teamOrder()).toEqual(
      sortTeams(coverageResponse.teams, 'meanConfidence', 'asc').map(
        t => t.team,
      ),
    );

    await userEvent.click(within(header('Team')).getByRole('button'));
    expect(header('Team')).toHaveAttribute('aria-sort', 'ascending');
    expect(header('Mean confidence')).not.toHaveAttribute('aria-sort');
    const byName = coverageResponse.teams.map(t => t.team).sort();
    expect(teamOrder()).toEqual(byName);

    await userEvent.click(within(header('Team')).getByRole('button'));
    expect(header('Team')).toHaveAttribute('aria-sort', 'descending');
    expect(teamOrder()).toEqual([...byName].reverse());

    await userEvent.click(
      screen.getByRole('button', { name: 'Show entities of payments' }),
    );
    expect(onSelect).toHaveBeenCalledWith('payments');
  });
});

describe('sortTeams', () => {
  it('puts teams without measured SLOs below every measured share', () => {
    const base = coverageResponse.teams[0];
    const teams = [
      { ...base, team: 'unmeasured', slosMeasured: 0, slosMeeting: 0 },
      { ...base, team: 'zero', slosMeasured: 4, slosMeeting: 0 },
      { ...base, team: 'all', slosMeasured: 4, slosMeeting: 4 },
    ];
    expect(sortTeams(teams, 'sloMeeting', 'asc').map(t => t.team)).toEqual([
      'unmeasured',
      'zero',
      'all',
    ]);
  });
});
