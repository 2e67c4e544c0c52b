import {
  type BackstageCredentials,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ArtifactGenerator,
  Check,
  CheckResult,
  describeEntity,
  entityRole,
  EntityDescription,
  EntityFacts,
  evaluateChecks,
  GeneratorConfig,
  ObservabilitySpec,
  ParseOptions,
  parseSpec,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import { callerKey } from './callerKey';
import type { OpenSloFileReader } from './OpenSloFileReader';
import { fromCatalog } from './catalogErrors';
import { SharedAnswers } from './SharedAnswers';

/** @public */
export interface EntityObservabilityServiceOptions {
  catalog: CatalogService;
  generator: GeneratorConfig;
  generators: readonly ArtifactGenerator[];
  checks: readonly Check[];
  /** See {@link EntityObservabilityService.loadForView}; 0 reads every time. */
  viewedEntityTtlMs?: number;
  now?: () => number;
  /** Inlines the OpenSLO file an entity's `redline.dev/openslo` names. */
  openSlo?: Pick<OpenSloFileReader, 'inline'>;
}

const PLUGIN_PACKAGES = [
  '@redline/backstage-plugin-observability-backend',
  '@redline/backstage-plugin-observability-common',
];

function packageVersion(name: string): string {
  const file = resolvePackagePath(name, 'package.json');
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

/**
 * The backend's handle on the one describe step: reads the entity from the
 * catalog (with the caller's credentials, so catalog permissions apply) and
 * runs `describeEntity` and the checks with the generators and checks
 * registered through the plugin's extension points.
 * @public
 */
export class EntityObservabilityService {
  readonly #catalog: CatalogService;
  readonly #generator: GeneratorConfig;
  readonly #generators: readonly ArtifactGenerator[];
  readonly #checks: readonly Check[];
  readonly #viewed: SharedAnswers<Entity>;
  readonly #openSlo?: Pick<OpenSloFileReader, 'inline'>;
  readonly #servingTypes?: readonly string[];

  static create(
    options: EntityObservabilityServiceOptions,
  ): EntityObservabilityService {
    return new EntityObservabilityService(options);
  }

  private constructor(options: EntityObservabilityServiceOptions) {
    this.#catalog = options.catalog;
    this.#generator = options.generator;
    this.#generators = options.generators;
    this.#checks = options.checks;
    this.#openSlo = options.openSlo;
    // As `parseSpec` resolves them: an empty list means the default one.
    this.#servingTypes = resolveGeneratorConfig(
      options.generator,
    ).servingComponentTypes;
    this.#viewed = new SharedAnswers({
      ttlMs: options.viewedEntityTtlMs ?? 0,
      staleMs: options.viewedEntityTtlMs ?? 0,
      now: options.now ?? Date.now,
      target: 'catalog',
    });
  }

  get generatorConfig(): GeneratorConfig {
    return this.#generator;
  }

  #fingerprint?: string;

  /**
   * Changes with anything but the entity and its facts that a description
   * or a check result depends on: the configuration, the registered
   * generators and checks, and the plugins' versions (an upgrade may
   * describe the same entity differently).
   */
  get fingerprint(): string {
    this.#fingerprint ??= createHash('sha256')
      .update(
        JSON.stringify({
          generator: this.#generator,
          generators: this.#generators.map(g => g.id),
          checks: this.#checks.map(c => c.id),
          versions: PLUGIN_PACKAGES.map(packageVersion),
        }),
      )
      .digest('base64url');
    return this.#fingerprint;
  }

  /**
   * Reads the entity from the catalog; unknown → `NotFoundError`, a catalog
   * that fails → `ServiceUnavailableError` (see `catalogError`).
   */
  async load(
    ref: CompoundEntityRef | string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const entity = await fromCatalog(() =>
      this.#catalog.getEntityByRef(ref, { credentials }),
    );
    if (!entity) {
      const text = typeof ref === 'string' ? ref : stringifyEntityRef(ref);
      throw new NotFoundError(`No entity found for ref '${text}'`);
    }
    return this.withOpenSloFile(entity);
  }

  /** The entity with the OpenSLO file `redline.dev/openslo` names read in (see `OpenSloFileReader`). */
  async withOpenSloFile(entity: Entity): Promise<Entity> {
    return this.#openSlo ? this.#openSlo.inline(entity) : entity;
  }

  /**
   * The entity as the tab shows it: read like {@link load}, but one answer
   * serves the same caller's views and downloads for `viewedEntityTtlMs`.
   * Each read costs the view a round trip to the catalog with a token
   * signed for it and verified there, more than the rest of the view; the
   * catalog itself re-reads an entity's source every few minutes, so a few
   * seconds more change nothing a person could see. Past the TTL the kept
   * entity serves one TTL longer while one read fetches the next, so a
   * tab's view does not wait for the catalog once the entity is kept.
   * Writes (apply) use {@link load}.
   */
  async loadForView(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
    ctx: RequestContext,
  ): Promise<Entity> {
    return this.#viewed.get(
      `${callerKey(credentials)}\u0000${stringifyEntityRef(ref)}`,
      ctx,
      () => this.load(ref, credentials),
    );
  }

  /**
   * Spec, findings, RED targets and artifacts; never throws for bad metadata.
   * Described anew on every call, never kept: describing costs about what
   * reading the entity does, while descriptions kept for open tabs outlive
   * garbage collections, and V8 then allocates everything the describe step
   * allocates straight into the old generation (allocation-site
   * pretenuring), where a coverage run's first pass over 10 000 entities
   * costs half as much CPU again.
   */
  describe(entity: Entity, options: ParseOptions = {}): EntityDescription {
    return describeEntity(entity, this.#generator, {
      generators: this.#generators,
      observedBuckets: options.observedBuckets,
    });
  }

  /** The spec `describe` would parse, without generating anything. */
  spec(entity: Entity, options: ParseOptions = {}): ObservabilitySpec {
    return parseSpec(entity, this.#generator, {
      observedBuckets: options.observedBuckets,
    }).spec;
  }

  /**
   * Whether the entity serves requests, decided from its kind and type as
   * `parseSpec` decides it (`entityRole`), without describing it.
   */
  servesRequests(entity: Entity): boolean {
    return entityRole(entity, this.#servingTypes).servesRequests;
  }

  /** Every registered check over a description and its facts. */
  check(description: EntityDescription, facts: EntityFacts): CheckResult[] {
    return evaluateChecks(
      description.spec,
      description.artifacts,
      facts,
      this.#checks,
    );
  }
}
