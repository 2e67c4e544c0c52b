import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  GeneratedArtifacts,
  GeneratorConfig,
  ParsedSpec,
  RedTarget,
  computeRedTargets,
  generateArtifacts,
  parseSpec,
} from '@redline/backstage-plugin-observability-common';

/** An entity read into Redline's model. @public */
export interface DescribedEntity extends ParsedSpec {
  entity: Entity;
  redTargets: RedTarget[];
}

/** A described entity with everything generated for it. @public */
export interface GeneratedEntity extends DescribedEntity {
  artifacts: GeneratedArtifacts;
}

/**
 * Catalog entity → spec → RED targets → artifacts. All pure work happens in
 * `-common`; this class only adds the catalog read (with the caller's
 * credentials, so catalog permissions apply).
 * @public
 */
export class EntityObservabilityService {
  readonly #catalog: CatalogService;
  readonly #generator: GeneratorConfig;

  static create(options: {
    catalog: CatalogService;
    generator: GeneratorConfig;
  }): EntityObservabilityService {
    return new EntityObservabilityService(options);
  }

  private constructor(options: {
    catalog: CatalogService;
    generator: GeneratorConfig;
  }) {
    this.#catalog = options.catalog;
    this.#generator = options.generator;
  }

  get generatorConfig(): GeneratorConfig {
    return this.#generator;
  }

  /** Reads the entity from the catalog; unknown → `NotFoundError`. */
  async load(
    ref: CompoundEntityRef | string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await this.#catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      const text = typeof ref === 'string' ? ref : stringifyEntityRef(ref);
      throw new NotFoundError(`No entity found for ref '${text}'`);
    }
    return entity;
  }

  /** Spec, findings and RED targets; never throws for bad metadata (findings instead). */
  describe(entity: Entity): DescribedEntity {
    const parsed = parseSpec(entity, this.#generator);
    return { ...parsed, entity, redTargets: computeRedTargets(parsed.spec) };
  }

  /** {@link EntityObservabilityService.describe} plus every generated artifact. */
  generate(entity: Entity): GeneratedEntity {
    const described = this.describe(entity);
    const artifacts = generateArtifacts(
      described.spec,
      this.#generator,
      described.findings,
    );
    return { ...described, artifacts };
  }
}
