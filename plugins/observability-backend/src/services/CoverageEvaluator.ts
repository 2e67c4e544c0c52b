import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CoverageEntityRow,
  CoverageHistoryPoint,
  DeployedRulesSnapshot,
  deployedRulesFact,
  EntityFacts,
  evaluateChecks,
  generateArtifacts,
  GeneratorConfig,
  ObservabilitySpec,
  ParsedSpec,
  parseSpec,
  summarizeChecks,
} from '@redline/backstage-plugin-observability-common';
import type { CoverageStore } from '../database/CoverageStore';

/**
 * Live facts shared by every entity of one evaluation cycle. The backend's
 * Prometheus client implements it; the evaluator calls `fetchDeployedRules`
 * at most once per Prometheus instance per cycle (one `/api/v1/rules` for all
 * entities, not one per entity) and matches the snapshot to each entity.
 * @public
 */
export interface LiveFactsSource {
  /**
   * Every rule loaded in the named Prometheus instance (`undefined`: the
   * default one). Should not throw: answer `{ status: 'unknown', reason }`
   * (a throw is turned into exactly that).
   */
  fetchDeployedRules(
    instance: string | undefined,
    options: { signal?: AbortSignal },
  ): Promise<DeployedRulesSnapshot>;
}

/** Reported after each catalog page, for logs and tests. @public */
export interface CoveragePageEvent {
  /** 1-based page number. */
  page: number;
  /** The request as sent: the first carries `limit` and `filter`, later ones `limit` and `cursor`. */
  request: { limit: number; cursor?: string };
  entities: number;
  /** Rows (and artifacts) held in memory while this page was processed. */
  rowsHeld: number;
}

/** @public */
export interface CoverageRunResult {
  runId: string;
  evaluatedAt: string;
  entities: number;
  pages: number;
  /** Entities that could not be evaluated (logged, left out of the table). */
  failed: number;
  /** Rows removed because their entity left the catalog. */
  pruned: number;
}

/** @public */
export interface CoverageEvaluatorOptions {
  catalog: Pick<CatalogService, 'queryEntities' | 'getEntitiesByRefs'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  store: CoverageStore;
  logger: LoggerService;
  generatorConfig: GeneratorConfig;
  liveFacts?: LiveFactsSource;
  /** History points older than this are deleted after each run (default 400 days). */
  historyRetentionDays?: number;
  /** Entities per catalog page (default 500). */
  pageSize?: number;
  /** Kinds evaluated (default Component). */
  kinds?: string[];
  onPage?: (event: CoveragePageEvent) => void;
  now?: () => Date;
  /**
   * The generator (default `generateArtifacts`). Replaceable so tests and
   * benchmarks can measure paging and memory of the evaluator alone on very
   * large catalogs without paying for full generation of every entity.
   */
  generate?: typeof generateArtifacts;
}

const OWNER_FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];

/**
 * Generation is synchronous CPU work (milliseconds per entity); a page of
 * hundreds would block the backend's event loop for seconds, stalling every
 * HTTP request meanwhile. Yielding a macrotask turn every few milliseconds
 * keeps the portal responsive while an evaluation runs.
 */
class EventLoopYielder {
  static readonly SLICE_MS = 15;
  #sliceStart = performance.now();

  async maybeYield(): Promise<void> {
    if (performance.now() - this.#sliceStart < EventLoopYielder.SLICE_MS)
      return;
    await new Promise<void>(resolve => setImmediate(resolve));
    this.#sliceStart = performance.now();
  }
}

/**
 * Rules snapshots of one cycle, fetched lazily and once per instance: a
 * cycle whose entities all use the default Prometheus makes one call.
 */
class CycleFacts {
  readonly #source?: LiveFactsSource;
  readonly #signal?: AbortSignal;
  readonly #rules = new Map<string, Promise<DeployedRulesSnapshot>>();

  constructor(
    source: LiveFactsSource | undefined,
    signal: AbortSignal | undefined,
  ) {
    this.#source = source;
    this.#signal = signal;
  }

  deployedRules(
    spec: ObservabilitySpec,
  ): Promise<DeployedRulesSnapshot> | undefined {
    const source = this.#source;
    if (!source) return undefined;
    const key = spec.prometheusInstance ?? '';
    let pending = this.#rules.get(key);
    if (!pending) {
      pending = source
        .fetchDeployedRules(spec.prometheusInstance, { signal: this.#signal })
        .catch(
          (error): DeployedRulesSnapshot => ({
            status: 'unknown',
            reason: `Prometheus${
              spec.prometheusInstance ? ` "${spec.prometheusInstance}"` : ''
            }: ${error instanceof Error ? error.message : String(error)}`,
          }),
        );
      this.#rules.set(key, pending);
    }
    return pending;
  }
}

/**
 * Evaluates every entity's coverage, streaming through the catalog one page
 * at a time: parse → generate → facts → checks → one table row, and the
 * page's rows written before the next page is fetched, so 10 000 entities
 * never hold all their artifacts at once. After a complete run it prunes
 * rows of entities that left the catalog and records a history snapshot
 * (overall and per team).
 * @public
 */
export class CoverageEvaluator {
  static create(options: CoverageEvaluatorOptions): CoverageEvaluator {
    return new CoverageEvaluator(options);
  }

  readonly #options: CoverageEvaluatorOptions;
  readonly #pageSize: number;

  private constructor(options: CoverageEvaluatorOptions) {
    this.#options = options;
    this.#pageSize = options.pageSize ?? 500;
  }

  async run(signal?: AbortSignal): Promise<CoverageRunResult> {
    const { catalog, auth, store, logger } = this.#options;
    const evaluatedAt = (this.#options.now?.() ?? new Date()).toISOString();
    const runId = `${evaluatedAt}#${Math.random().toString(36).slice(2, 10)}`;
    const credentials = await auth.getOwnServiceCredentials();
    const cycle = new CycleFacts(this.#options.liveFacts, signal);
    const owners = new Map<string, boolean | undefined>();
    const yielder = new EventLoopYielder();

    let cursor: string | undefined;
    let pages = 0;
    let entities = 0;
    let failed = 0;
    do {
      throwIfAborted(signal);
      const limit = this.#pageSize;
      const response = await catalog.queryEntities(
        cursor
          ? { cursor, limit }
          : { filter: { kind: this.#options.kinds ?? ['Component'] }, limit },
        { credentials },
      );
      pages += 1;

      // Parse the page first (cheap) so its owners are looked up in one call.
      const parsed = response.items.map(entity => ({
        entity,
        spec: tryParse(entity, this.#options.generatorConfig),
      }));
      await this.#lookUpOwners(
        parsed.map(p => (p.spec instanceof Error ? '' : p.spec.spec.owner)),
        owners,
        credentials,
      );

      const rows: CoverageEntityRow[] = [];
      for (const { entity, spec } of parsed) {
        await yielder.maybeYield();
        throwIfAborted(signal);
        try {
          if (spec instanceof Error) throw spec;
          rows.push(await this.#evaluate(spec, evaluatedAt, owners, cycle));
        } catch (error) {
          // One odd entity must not stop the other 9 999.
          failed += 1;
          logger.warn(
            `Coverage: could not evaluate ${entity.kind}:${
              entity.metadata?.namespace ?? 'default'
            }/${entity.metadata?.name}: ${error}`,
          );
        }
      }
      await store.upsertRows(runId, rows);
      entities += response.items.length;
      this.#options.onPage?.({
        page: pages,
        request: cursor ? { limit, cursor } : { limit },
        entities: response.items.length,
        rowsHeld: rows.length,
      });
      cursor = response.pageInfo.nextCursor;
    } while (cursor);

    const pruned = await store.pruneRowsNotIn(runId);
    const { summary, teams } = await store.summarize({});
    const history: CoverageHistoryPoint[] = [
      { evaluatedAt, ...summary },
      ...teams.map(team => ({ evaluatedAt, ...team })),
    ];
    await store.addHistory(history);
    // A point every 30 minutes for every team adds up; keep a bit over a year.
    const retentionMs =
      (this.#options.historyRetentionDays ?? 400) * 86_400_000;
    await store.pruneHistory(
      new Date(Date.parse(evaluatedAt) - retentionMs).toISOString(),
    );
    logger.info(
      `Coverage: evaluated ${entities} entities in ${pages} page(s), ${failed} failed, ${pruned} pruned; ${Math.round(
        summary.withSlo * 100,
      )} % with an SLO`,
    );
    return { runId, evaluatedAt, entities, pages, failed, pruned };
  }

  /** One catalog call per page, for the owners not seen yet in this run. */
  async #lookUpOwners(
    refs: string[],
    owners: Map<string, boolean | undefined>,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const wanted = [...new Set(refs.filter(ref => ref && !owners.has(ref)))];
    if (wanted.length === 0) return;
    try {
      const { items: found } = await this.#options.catalog.getEntitiesByRefs(
        { entityRefs: wanted, fields: OWNER_FIELDS },
        { credentials },
      );
      wanted.forEach((ref, i) => owners.set(ref, found[i] !== undefined));
    } catch (error) {
      // Unknown, not "missing": the owner check then says it could not look.
      this.#options.logger.warn(`Coverage: owner lookup failed: ${error}`);
      wanted.forEach(ref => owners.set(ref, undefined));
    }
  }

  async #evaluate(
    { spec, findings }: ParsedSpec,
    evaluatedAt: string,
    owners: Map<string, boolean | undefined>,
    cycle: CycleFacts,
  ): Promise<CoverageEntityRow> {
    const generate = this.#options.generate ?? generateArtifacts;
    const artifacts = generate(spec, this.#options.generatorConfig, findings);
    const facts: EntityFacts = {};
    if (spec.owner) facts.ownerExists = owners.get(spec.owner);
    const snapshot = await cycle.deployedRules(spec);
    if (snapshot)
      facts.deployedRules = deployedRulesFact(snapshot, spec, artifacts);
    const checks = evaluateChecks(spec, artifacts, facts, findings);
    const summary = summarizeChecks(checks);
    return {
      entityRef: spec.entityRef,
      name: spec.name,
      kind: spec.kind,
      owner: spec.owner,
      team: spec.team,
      ...(spec.system ? { system: spec.system } : {}),
      ...(spec.lifecycle ? { lifecycle: spec.lifecycle } : {}),
      ...(spec.tier ? { tier: spec.tier } : {}),
      hasSlo: spec.slos.length > 0,
      hasRunbook: Boolean(spec.links.runbookUrl),
      rulesDeployed: summary.rulesDeployed,
      confidence: artifacts.confidence.score,
      failingChecks: summary.failing,
      ...(summary.topFailingCheck
        ? { topFailingCheck: summary.topFailingCheck }
        : {}),
      evaluatedAt,
    };
  }
}

/** parseSpec never throws on catalog-validated entities; anything else is reported, not fatal. */
function tryParse(entity: Entity, config: GeneratorConfig): ParsedSpec | Error {
  try {
    return parseSpec(entity, config);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function throwIfAborted(signal?: AbortSignal) {
  if (signal?.aborted) {
    throw new Error('Coverage evaluation aborted (timeout or shutdown)');
  }
}
