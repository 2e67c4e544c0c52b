import {
  diffRuleGroups,
  type DiffOptions,
  type LooseRuleGroup,
} from './ruleGroupDiff';

/** One entity's declared rule groups and the team that owns it. @public */
export interface DeclaredNamespace {
  entityRef: string;
  owner: string;
  groups: readonly LooseRuleGroup[];
}

/** What a target holds for one entity, as read back from it. @public */
export interface DeployedNamespace {
  entityRef: string;
  groups: readonly LooseRuleGroup[];
}

/** One group a sync would write or remove. @public */
export interface SyncChange {
  entityRef: string;
  group: string;
}

/** A team's share of a sync. @public */
export interface TeamSyncPlan {
  /** The owning team; `null` for namespaces of entities no longer in the catalog. */
  team: string | null;
  added: SyncChange[];
  changed: SyncChange[];
  removed: SyncChange[];
}

/** What making a target match the catalog would change. @public */
export interface SyncPlan {
  teams: TeamSyncPlan[];
  /** Entities whose groups would be written: those with anything added, changed or removed. */
  writes: string[];
  /** Namespaces of entities gone from the catalog, deleted whole. */
  deletes: string[];
}

/**
 * Compares every declared namespace with what the target holds and groups
 * the differences by owning team, the way a reviewer reads a dry run. A
 * deployed namespace no entity declares any more (the entity was deleted,
 * or now declares nothing) is removed whole; it is listed under the team
 * that still owns the entity, else under `null`.
 * @public
 */
export function planCatalogSync(
  declared: readonly DeclaredNamespace[],
  deployed: readonly DeployedNamespace[],
  options: DiffOptions = {},
): SyncPlan {
  const deployedByRef = new Map(deployed.map(d => [d.entityRef, d.groups]));
  const teams = new Map<string | null, TeamSyncPlan>();
  const teamPlan = (team: string | null) => {
    const existing = teams.get(team);
    if (existing) return existing;
    const created: TeamSyncPlan = { team, added: [], changed: [], removed: [] };
    teams.set(team, created);
    return created;
  };
  const writes: string[] = [];
  const deletes: string[] = [];
  const declaredRefs = new Set<string>();

  for (const { entityRef, owner, groups } of declared) {
    declaredRefs.add(entityRef);
    const diff = diffRuleGroups(
      groups,
      deployedByRef.get(entityRef) ?? [],
      options,
    );
    if (diff.added.length + diff.changed.length + diff.removed.length === 0)
      continue;
    const plan = teamPlan(owner);
    const changes = (names: string[]) =>
      names.map(group => ({ entityRef, group }));
    plan.added.push(...changes(diff.added));
    plan.changed.push(...changes(diff.changed));
    plan.removed.push(...changes(diff.removed));
    if (groups.length === 0) deletes.push(entityRef);
    else writes.push(entityRef);
  }
  for (const { entityRef, groups } of deployed) {
    if (declaredRefs.has(entityRef) || groups.length === 0) continue;
    teamPlan(null).removed.push(
      ...groups.map(group => ({ entityRef, group: group.name })),
    );
    deletes.push(entityRef);
  }

  const ordered = [...teams.values()].sort((a, b) => {
    if (a.team === b.team) return 0;
    if (a.team === null) return 1;
    if (b.team === null) return -1;
    return a.team < b.team ? -1 : 1;
  });
  return { teams: ordered, writes, deletes };
}

/** The plan as the lines a dry run prints, one block per team. @public */
export function formatSyncPlan(plan: SyncPlan): string[] {
  if (plan.teams.length === 0) return ['Nothing to change.'];
  const lines: string[] = [];
  for (const team of plan.teams) {
    lines.push(team.team ?? '(entities no longer in the catalog)');
    for (const [sign, changes] of [
      ['+', team.added],
      ['~', team.changed],
      ['-', team.removed],
    ] as const) {
      for (const change of changes)
        lines.push(`  ${sign} ${change.entityRef}  ${change.group}`);
    }
  }
  const count = (key: 'added' | 'changed' | 'removed') =>
    plan.teams.reduce((sum, team) => sum + team[key].length, 0);
  lines.push(
    `${count('added')} added, ${count('changed')} changed, ${count(
      'removed',
    )} removed group(s); ${plan.writes.length} namespace(s) to write, ${
      plan.deletes.length
    } to delete.`,
  );
  return lines;
}
