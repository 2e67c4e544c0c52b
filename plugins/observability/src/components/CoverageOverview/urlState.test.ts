import { EMPTY_FILTERS } from './CoverageFilters';
import {
  filtersTheTrendIgnores,
  readCoverageUrlState,
  trendTeam,
  writeCoverageUrlState,
} from './urlState';

describe('coverage URL state', () => {
  it('round-trips filters and the drill-down through the address', () => {
    const state = {
      filters: { ...EMPTY_FILTERS, owner: 'payments', tier: 'tier-1' },
      team: 'payments',
    };
    const search = writeCoverageUrlState(state);
    expect(search.toString()).toBe('owner=payments&tier=tier-1&team=payments');
    expect(readCoverageUrlState(new URLSearchParams(search))).toEqual(state);
  });

  it('reads an empty address as no filters and no drill-down', () => {
    expect(readCoverageUrlState(new URLSearchParams(''))).toEqual({
      filters: EMPTY_FILTERS,
      team: undefined,
    });
    expect(writeCoverageUrlState({ filters: EMPTY_FILTERS }).toString()).toBe(
      '',
    );
  });
});

describe('trendTeam', () => {
  it('follows the drill-down first, then the owner filter in either form', () => {
    const filters = { ...EMPTY_FILTERS, owner: 'group:default/search' };
    expect(trendTeam({ filters, team: 'payments' })).toBe('payments');
    expect(trendTeam({ filters })).toBe('search');
    expect(trendTeam({ filters: { ...EMPTY_FILTERS, owner: 'data' } })).toBe(
      'data',
    );
    expect(trendTeam({ filters: EMPTY_FILTERS })).toBeUndefined();
  });

  it('names the filters a per-team history cannot follow', () => {
    expect(
      filtersTheTrendIgnores({
        ...EMPTY_FILTERS,
        owner: 'data',
        lifecycle: 'production',
      }),
    ).toEqual(['lifecycle']);
  });
});
