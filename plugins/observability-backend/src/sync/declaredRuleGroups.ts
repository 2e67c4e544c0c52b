import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ownerRefOf,
  type DeclaredNamespace,
  type RuleGroup,
} from '@redline/backstage-plugin-observability-common';
import type { EntityDescriber } from '../services/CoverageEvaluator';
import { fromCatalog } from '../services/catalogErrors';
import { catalogPages } from '../services/catalogPages';
import { EventLoopYielder } from '../services/describingInBatches';
import { normalizeEntityRef } from '../services/RuleFiles';

/** Owner of entities that name none, in a dry run's per-team listing. */
export const NO_OWNER = '(no owner)';

/** An entity's generated groups, as a sync writes them. @internal */
export interface DeclaredRuleNamespace extends DeclaredNamespace {
  groups: readonly RuleGroup[];
  /** The rule target the entity chose (`redline.dev/rule-target`); absent: any. */
  ruleTarget?: string;
}

/** What the catalog declares, and who could not be described. @internal */
export interface DeclaredRuleGroups {
  namespaces: DeclaredRuleNamespace[];
  /**
   * Entities whose description failed: they declare nothing known, so what
   * the target holds for them must be left as it is, not deleted.
   */
  undescribed: Array<{ entityRef: string; message: string }>;
}

/**
 * Every Component's rule groups, through the describe step the tab uses,
 * one catalog page at a time. Only the groups are kept per entity, not the
 * description.
 * @internal
 */
export async function declaredRuleGroups(options: {
  catalog: Pick<CatalogService, 'queryEntities'>;
  describer: Pick<EntityDescriber, 'describe' | 'withOpenSloFile'>;
  credentials: BackstageCredentials;
  pageSize: number;
  signal?: AbortSignal;
}): Promise<DeclaredRuleGroups> {
  const { catalog, describer, credentials, pageSize, signal } = options;
  const declared: DeclaredRuleGroups = { namespaces: [], undescribed: [] };
  const yielder = new EventLoopYielder();
  for await (const page of catalogPages({
    catalog,
    credentials,
    kinds: ['Component'],
    pageSize,
    beforePage: () => signal?.throwIfAborted(),
    around: fromCatalog,
  })) {
    for (const entity of page.items) {
      await yielder.maybeYield();
      const entityRef = normalizeEntityRef(stringifyEntityRef(entity));
      try {
        const { groups, ruleTarget } = await describedRules(entity, describer);
        declared.namespaces.push({
          entityRef,
          owner: ownerRefOf(entity) ?? NO_OWNER,
          groups,
          ...(ruleTarget ? { ruleTarget } : {}),
        });
      } catch (error) {
        declared.undescribed.push({
          entityRef,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
  return declared;
}

async function describedRules(
  catalogEntity: Entity,
  describer: Pick<EntityDescriber, 'describe' | 'withOpenSloFile'>,
) {
  const entity =
    (await describer.withOpenSloFile?.(catalogEntity)) ?? catalogEntity;
  const { spec, artifacts } = describer.describe(entity);
  return { groups: artifacts.rules.groups, ruleTarget: spec.ruleTarget };
}
