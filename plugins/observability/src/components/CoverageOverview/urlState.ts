import type { CoverageFilterValues } from './CoverageFilters';

/** What the coverage page keeps in its address, so a shared link opens the same view. */
export interface CoverageUrlState {
  filters: CoverageFilterValues;
  /** The team drilled into, if any. */
  team?: string;
}

const FILTER_KEYS: Array<keyof CoverageFilterValues> = [
  'owner',
  'system',
  'lifecycle',
  'tier',
];

/** Reads the page's state from `?owner=…&system=…&lifecycle=…&tier=…&team=…`. */
export function readCoverageUrlState(
  params: URLSearchParams,
): CoverageUrlState {
  const filters = Object.fromEntries(
    FILTER_KEYS.map(key => [key, params.get(key)?.trim() ?? '']),
  ) as unknown as CoverageFilterValues;
  const team = params.get('team')?.trim() || undefined;
  return { filters, team };
}

/** The search parameters for a state; empty filters are left out so links stay short. */
export function writeCoverageUrlState({
  filters,
  team,
}: CoverageUrlState): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filters[key].trim();
    if (value) params.set(key, value);
  }
  if (team) params.set('team', team);
  return params;
}

/**
 * The team whose history the trend shows: the one drilled into, else the
 * owner filter (`payments` or `group:default/payments`). History is kept per
 * team, so the other filters cannot narrow it.
 */
export function trendTeam({
  filters,
  team,
}: CoverageUrlState): string | undefined {
  if (team) return team;
  const owner = filters.owner.trim();
  if (!owner) return undefined;
  return owner.slice(owner.lastIndexOf('/') + 1).replace(/^group:/, '');
}

/** The filters the trend cannot follow, named for the card's note. */
export function filtersTheTrendIgnores(
  filters: CoverageFilterValues,
): string[] {
  return (['system', 'lifecycle', 'tier'] as const).filter(key =>
    filters[key].trim(),
  );
}
