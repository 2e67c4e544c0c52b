import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ApplyLogStore } from '../database/ApplyLogStore';
import type { EntityDescriber } from '../services/CoverageEvaluator';
import type { OutboundHttp } from '../services/OutboundHttp';
import {
  createRuleTarget,
  type RuleTargetConfig,
} from '../ruleTargets/registry';
import type { RuleTarget, RuleTargetKind } from '../ruleTargets/RuleTarget';
import {
  CatalogRuleSync,
  type SyncRequest,
  type SyncResult,
} from './CatalogRuleSync';
import type { SyncLimits } from './syncLimits';
import { SyncRuns } from './SyncRuns';

/**
 * The configured rule targets by name, the sync that fills them, and the
 * syncs that write running in the background: what the sync route and the
 * scheduled sync share, so the two never write the same target at once.
 * @internal
 */
export class RuleSyncService {
  static create(options: {
    targets: readonly RuleTargetConfig[];
    /** Every kind the targets may be of; default Redline's own. */
    kinds?: readonly RuleTargetKind[];
    http: OutboundHttp;
    catalog: Pick<CatalogService, 'queryEntities'>;
    auth: Pick<AuthService, 'getOwnServiceCredentials'>;
    describer: Pick<EntityDescriber, 'describe' | 'withOpenSloFile'>;
    applyLog: Pick<ApplyLogStore, 'record'>;
    logger: LoggerService;
    limits?: Partial<SyncLimits>;
  }): RuleSyncService {
    const targets = new Map(
      options.targets.map((config, index) => [
        config.name,
        createRuleTarget(
          config,
          { http: options.http },
          `observability.ruleTargets[${index}]`,
          options.kinds,
        ),
      ]),
    );
    return new RuleSyncService(
      targets,
      CatalogRuleSync.create(options),
      options.logger,
    );
  }

  readonly #targets: ReadonlyMap<string, RuleTarget>;
  readonly #sync: CatalogRuleSync;
  /** Syncs that write, one per target at a time, in the background. */
  readonly runs: SyncRuns;

  private constructor(
    targets: ReadonlyMap<string, RuleTarget>,
    sync: CatalogRuleSync,
    logger: LoggerService,
  ) {
    this.#targets = targets;
    this.#sync = sync;
    this.runs = SyncRuns.create({ sync: this, logger });
  }

  /** The target of that name; a `NotFoundError` naming the known ones. */
  target(name: string): RuleTarget {
    const target = this.#targets.get(name);
    if (!target) {
      const known = [...this.#targets.keys()].join(', ') || 'none configured';
      throw new NotFoundError(
        `No rule target '${name}' in observability.ruleTargets; known: ${known}`,
      );
    }
    return target;
  }

  /**
   * One sync, awaited: a dry run, or the work of a background run. A sync
   * that writes goes through {@link RuleSyncService.runs} instead, so that
   * no two write the same target at once.
   */
  async run(
    request: Omit<SyncRequest, 'target'> & { target: string },
  ): Promise<SyncResult> {
    return this.#sync.run({ ...request, target: this.target(request.target) });
  }
}
