import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  planCatalogSync,
  type LooseRuleGroup,
  type RuleGroup,
  type SyncPlan,
} from '@redline/backstage-plugin-observability-common';
import type { ApplyLogStore } from '../database/ApplyLogStore';
import type { EntityDescriber } from '../services/CoverageEvaluator';
import type { RuleTarget } from '../ruleTargets/RuleTarget';
import type { RequestContext } from '../telemetry/context';
import { applySyncPlan, type SyncCounts } from './applySyncPlan';
import {
  declaredRuleGroups,
  type DeclaredRuleGroups,
} from './declaredRuleGroups';
import { DEFAULT_SYNC_LIMITS, type SyncLimits } from './syncLimits';

/** @internal */
export interface CatalogRuleSyncOptions {
  catalog: Pick<CatalogService, 'queryEntities'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  describer: Pick<EntityDescriber, 'describe' | 'withOpenSloFile'>;
  applyLog: Pick<ApplyLogStore, 'record'>;
  /** Entities per catalog page (default 500). */
  pageSize?: number;
  limits?: Partial<SyncLimits>;
}

/** One sync: for a user (their catalog view) or the scheduler. @internal */
export interface SyncRequest {
  target: RuleTarget;
  dryRun?: boolean;
  /** Who asks, for the apply history: a user ref, or `scheduler`. */
  actor: string;
  /**
   * A caller's, for a dry run by someone who may only read: the plan covers
   * the entities they can see and nothing else, so it neither names
   * entities hidden from them nor lists those as removed. Absent: the
   * plugin's own, the whole catalog, as every sync that writes runs.
   */
  credentials?: BackstageCredentials;
  ctx: RequestContext;
}

/** What a sync found and did. @internal */
export interface SyncResult {
  plan: SyncPlan;
  /** Components described. */
  entities: number;
  /** Entities that could not be described; their namespaces were left alone. */
  undescribed: Array<{ entityRef: string; message: string }>;
  /** Absent for a dry run. */
  applied?: SyncCounts;
  durationMs: number;
}

/**
 * Makes a rule target match the catalog: every Component's rule groups (the
 * describe step the tab uses) against what the target holds (one `list`),
 * planned with `planCatalogSync` and, unless a dry run, applied in
 * rate-limited batches. Touches only namespaces the target lists as
 * Redline's, and never those of entities it could not describe.
 * @internal
 */
export class CatalogRuleSync {
  static create(options: CatalogRuleSyncOptions): CatalogRuleSync {
    return new CatalogRuleSync(options);
  }

  readonly #options: CatalogRuleSyncOptions;
  readonly #limits: SyncLimits;

  private constructor(options: CatalogRuleSyncOptions) {
    this.#options = options;
    this.#limits = { ...DEFAULT_SYNC_LIMITS, ...options.limits };
  }

  async run(request: SyncRequest): Promise<SyncResult> {
    const started = performance.now();
    const { target, ctx } = request;
    const credentials =
      request.credentials ??
      (await this.#options.auth.getOwnServiceCredentials());
    const declared = heldBy(
      target,
      await declaredRuleGroups({
        catalog: this.#options.catalog,
        describer: this.#options.describer,
        credentials,
        pageSize: this.#options.pageSize ?? 500,
        signal: ctx.signal,
      }),
    );
    const undescribed = new Set(declared.undescribed.map(u => u.entityRef));
    const declaredGroups = new Map<string, readonly RuleGroup[]>(
      declared.namespaces.map(n => [n.entityRef, n.groups]),
    );
    const deployed = (
      await target.list(ctx, { declared: declaredGroups })
    ).filter(
      namespace =>
        !undescribed.has(namespace.entityRef) &&
        (!request.credentials || declaredGroups.has(namespace.entityRef)),
    );
    const plan = planCatalogSync(declared.namespaces, deployed, {
      defaultIntervalSeconds: target.defaultIntervalSeconds,
    });
    const result: SyncResult = {
      plan,
      entities: declared.namespaces.length + declared.undescribed.length,
      undescribed: declared.undescribed,
      durationMs: 0,
    };
    if (!request.dryRun) {
      if (request.credentials)
        throw new Error('A sync that writes reads the whole catalog');
      result.applied = await applySyncPlan({
        target,
        plan,
        declared: declaredGroups,
        deployed: new Map<string, readonly LooseRuleGroup[]>(
          deployed.map(n => [n.entityRef, n.groups]),
        ),
        limits: this.#limits,
        applyLog: this.#options.applyLog,
        actor: request.actor,
        ctx,
      });
    }
    result.durationMs = Math.round(performance.now() - started);
    return result;
  }
}

/**
 * What the catalog declares for this target: an entity that chose another
 * target (`redline.dev/rule-target`) is not declared here, nor, with
 * `owners`, another team's entity. Either way its namespace is removed from
 * this target if it holds one: the entity moved.
 */
function heldBy(target: RuleTarget, declared: DeclaredRuleGroups) {
  const owners = target.owners ? new Set(target.owners) : undefined;
  return {
    ...declared,
    namespaces: declared.namespaces.filter(
      n =>
        (n.ruleTarget === undefined || n.ruleTarget === target.name) &&
        (!owners || owners.has(n.owner)),
    ),
  };
}
