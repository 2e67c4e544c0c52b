import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CoverageEntityRow,
  CoverageHistoryPoint,
  EntityDescription,
  EntityFacts,
  FactCycle,
  CheckResult,
  GatherableDescription,
  ObservabilitySpec,
  ownerRefOf,
  ParseOptions,
  summarizeChecks,
} from '@redline/backstage-plugin-observability-common';
import type { CoverageStore } from '../database/CoverageStore';
import type { RememberedRowStore } from '../database/RememberedRowStore';
import { catalogPages } from './catalogPages';
import { EventLoopYielder } from './describingInBatches';
import { RunCpu, type RunCpuSeconds } from './runCpu';
import {
  entityVersion,
  factsFingerprint,
  RememberedDescription,
  RememberedRowFields,
  RememberedRows,
} from './RememberedRows';
import type { SloAttainmentBatch } from './SloAttainmentBatch';

/**
 * The two steps a coverage row shares with the tab: the describe step and
 * the checks (the backend's `EntityObservabilityService`).
 * @public
 */
export interface EntityDescriber {
  describe(entity: Entity, options?: ParseOptions): EntityDescription;
  check(description: EntityDescription, facts: EntityFacts): CheckResult[];
  /**
   * Whether the entity serves requests, known without describing it (see
   * `entityRole`). A row is made only for one that does; with this, the
   * others (libraries, websites: 2 007 of the benchmark's 10 034
   * Components) cost a run no describe step. Without it each is described
   * to find out.
   */
  servesRequests?(entity: Entity): boolean;
  /**
   * The entity's spec alone, as `describe` parses it: what a remembered row
   * needs to gather its facts again. Without it every row is described
   * anew.
   */
  spec?(entity: Entity, options?: ParseOptions): ObservabilitySpec;
  /** The entity with the OpenSLO file `redline.dev/openslo` names read in, as the tab reads it. */
  withOpenSloFile?(entity: Entity): Promise<Entity>;
  /**
   * Changes whenever describing or checking the same entity with the same
   * facts could give another row (configuration, generators, checks,
   * plugin versions). Rows are kept in a `RememberedRowStore` only for a
   * describer that has one.
   */
  readonly fingerprint?: string;
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
  /** Entities of the previously published run that this one no longer has. */
  pruned: number;
  /**
   * False when the catalog answered no entities at all: nothing is
   * published and no history point recorded (see `CoverageEvaluator`).
   */
  published: boolean;
  /**
   * Components that serve no requests (libraries, websites): left out of the
   * table and every coverage figure, see `servingComponentTypes`.
   */
  notServing: number;
  /**
   * Entities described and checked anew; the others' metadata and facts
   * were unchanged since the last run, which left their rows, or they serve
   * no requests and were left out without being described.
   */
  described: number;
  /** CPU seconds of this process while the run went on (see `RunCpu`). */
  cpuSeconds: RunCpuSeconds;
}

/** @public */
export interface CoverageEvaluatorOptions {
  catalog: Pick<CatalogService, 'queryEntities'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  store: CoverageStore;
  logger: LoggerService;
  describer: EntityDescriber;
  /**
   * Keeps what each run remembers of its entities across restarts (see
   * `RememberedRows`); without it the first run of each process describes
   * every entity.
   */
  remembered?: RememberedRowStore;
  /**
   * A batch fact cycle for one run: the same gatherer the tab uses, so a row
   * and the tab agree; it fetches rules, series and alerts once per instance.
   */
  newFactCycle: (options: {
    credentials: BackstageCredentials;
    signal?: AbortSignal;
  }) => FactCycle;
  /**
   * SLO attainment for one run, measured at `nowMs` (the run's
   * `evaluatedAt`): one batch query per Prometheus instance and SLO window.
   * Without it rows carry no attainment.
   */
  newSloAttainment?: (options: {
    credentials: BackstageCredentials;
    signal?: AbortSignal;
    nowMs: number;
  }) => Pick<SloAttainmentBatch, 'measure'>;
  /** History points older than this are deleted after each run (default 400 days). */
  historyRetentionDays?: number;
  /** Entities per catalog page (default 500). */
  pageSize?: number;
  /** Kinds evaluated (default Component). */
  kinds?: string[];
  /**
   * How often a run renews its heartbeat (default 10 s). A run whose
   * heartbeat is older than `COVERAGE_DEAD_AFTER_MS` is taken for dead.
   */
  heartbeatIntervalMs?: number;
  onPage?: (event: CoveragePageEvent) => void;
  /** The run's `evaluatedAt`; heartbeats always use the real clock. */
  now?: () => Date;
}

/**
 * Evaluates every entity's coverage, streaming through the catalog one page
 * at a time: parse → generate → facts → checks → one table row, and the
 * page's rows written before the next page is fetched, so 10 000 entities
 * never hold all their artifacts at once. The rows are written under the
 * run's id and published, with a history snapshot (overall and per team),
 * in one transaction once the run is complete; a run that fails or dies
 * leaves the published run as it was.
 *
 * A run that saw no entity at all publishes nothing: right after a start
 * the catalog answers empty pages until it has ingested its locations, and
 * publishing that would blank the table and put a 0-service point in every
 * trend. A catalog that really lost every Component keeps showing its last
 * table, which is the lesser harm.
 * @public
 */
export class CoverageEvaluator {
  static create(options: CoverageEvaluatorOptions): CoverageEvaluator {
    return new CoverageEvaluator(options);
  }

  readonly #options: CoverageEvaluatorOptions;
  readonly #pageSize: number;
  readonly #remembered: RememberedRows;
  /** Entities described and checked anew, over all runs (see `described`). */
  #described = 0;

  private constructor(options: CoverageEvaluatorOptions) {
    this.#options = options;
    this.#pageSize = options.pageSize ?? 500;
    const { fingerprint } = options.describer;
    this.#remembered = new RememberedRows(
      fingerprint === undefined
        ? {}
        : { store: options.remembered, describer: fingerprint },
    );
  }

  async run(outerSignal?: AbortSignal): Promise<CoverageRunResult> {
    const { store, logger } = this.#options;
    const evaluatedAt = (this.#options.now?.() ?? new Date()).toISOString();
    const runId = `${evaluatedAt}#${Math.random().toString(36).slice(2, 10)}`;
    const collected = await store.beginRun({
      runId,
      evaluatedAt,
      startedAt: new Date().toISOString(),
    });
    if (collected > 0) {
      logger.info(`Coverage: deleted ${collected} rows of earlier runs`);
    }
    const controller = new AbortController();
    const signal = outerSignal
      ? AbortSignal.any([outerSignal, controller.signal])
      : controller.signal;
    const heartbeat = setInterval(() => {
      store.heartbeat(runId, new Date().toISOString()).then(
        alive => {
          // A recovery took this run for dead and may have started another.
          if (!alive) controller.abort();
        },
        error => logger.warn(`Coverage: heartbeat failed: ${error}`),
      );
    }, this.#options.heartbeatIntervalMs ?? 10_000);
    const cpu = new RunCpu();
    try {
      return await this.#run(runId, evaluatedAt, signal, cpu);
    } catch (error) {
      await store
        .abandonRun(runId)
        .catch(e => logger.warn(`Coverage: could not abandon ${runId}: ${e}`));
      throw error;
    } finally {
      clearInterval(heartbeat);
      cpu.stop();
    }
  }

  async #run(
    runId: string,
    evaluatedAt: string,
    signal: AbortSignal,
    cpu: RunCpu,
  ): Promise<CoverageRunResult> {
    const { catalog, auth, store, logger } = this.#options;
    const credentials = await auth.getOwnServiceCredentials();
    const cycle = this.#options.newFactCycle({ credentials, signal });
    const slos = this.#options.newSloAttainment?.({
      credentials,
      signal,
      nowMs: Date.parse(evaluatedAt),
    });
    const yielder = new EventLoopYielder();
    await this.#remembered
      .load()
      .catch(error =>
        logger.warn(
          `Coverage: could not read what earlier runs remembered, every entity is described anew: ${error}`,
        ),
      );

    let pages = 0;
    let entities = 0;
    let failed = 0;
    let notServing = 0;
    const describedBefore = this.#described;
    for await (const response of catalogPages({
      catalog,
      credentials,
      kinds: this.#options.kinds ?? ['Component'],
      pageSize: this.#pageSize,
      beforePage: () => throwIfAborted(signal),
      around: call => cpu.whileWaitingForCatalog(call),
    })) {
      pages += 1;

      // The page's owners in one catalog call, read straight from the
      // entities, so each entity can then be described and turned into its
      // row at once: its description dies young, which keeps the garbage
      // collector's work small (describing a batch first would keep
      // hundreds of them alive).
      await cpu.whileWaitingForCatalog(() =>
        cycle.prefetchOwners(
          response.items.flatMap(entity => ownerRefOf(entity) ?? []),
        ),
      );
      const rows: CoverageEntityRow[] = [];
      for (const entity of response.items) {
        await yielder.maybeYield();
        throwIfAborted(signal);
        try {
          const row = await this.#rowOf(entity, {
            runId,
            evaluatedAt,
            cycle,
            slos,
          });
          if (row) rows.push(row);
          else notServing += 1;
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
        request: response.request,
        entities: response.items.length,
        rowsHeld: rows.length,
      });
    }

    const result = (
      outcome: Pick<CoverageRunResult, 'pruned' | 'published'>,
    ): CoverageRunResult => ({
      runId,
      evaluatedAt,
      entities,
      pages,
      failed,
      notServing,
      described: this.#described - describedBefore,
      cpuSeconds: cpu.seconds(),
      ...outcome,
    });
    if (entities === 0) {
      await store.abandonRun(runId);
      logger.warn(
        'Coverage: the catalog returned no entities (still loading?); the published run and the history are left as they were',
      );
      return result({ pruned: 0, published: false });
    }
    throwIfAborted(signal);
    const { summary, teams } = await store.summarize({}, runId);
    const history: CoverageHistoryPoint[] = [
      { evaluatedAt, ...summary },
      ...teams.map(team => ({ evaluatedAt, ...team })),
    ];
    const { pruned } = await store.publishRun(runId, {
      entities,
      finishedAt: new Date().toISOString(),
      history,
    });
    this.#remembered.forgetAllBut(runId);
    await this.#remembered
      .save()
      .catch(error =>
        logger.warn(
          `Coverage: could not keep what this run remembered for the next process: ${error}`,
        ),
      );
    // A point every 30 minutes for every team adds up; keep a bit over a year.
    const retentionMs =
      (this.#options.historyRetentionDays ?? 400) * 86_400_000;
    await store.pruneHistory(
      new Date(Date.parse(evaluatedAt) - retentionMs).toISOString(),
    );
    const done = result({ pruned, published: true });
    const { cpuSeconds, described } = done;
    logger.info(
      `Coverage: evaluated ${entities} entities in ${pages} page(s), ${failed} failed, ${pruned} pruned, ${notServing} left out as serving no requests, ${described} described anew; ${Math.round(
        summary.withSlo * 100,
      )} % with an SLO; CPU ${cpuSeconds.total.toFixed(
        2,
      )} s, of which ${cpuSeconds.waitingForCatalog.toFixed(
        2,
      )} s while the catalog answered; garbage collection paused the main thread ${cpuSeconds.gcPauses.toFixed(
        2,
      )} s (${cpuSeconds.fullGcs} full collection(s))`,
    );
    return done;
  }

  /**
   * The entity's row: remembered from the last run when the entity and its
   * facts are unchanged (see `RememberedRows`), else described, gathered
   * and checked like the tab does, and remembered.
   */
  async #rowOf(
    catalogEntity: Entity,
    run: RunContext,
  ): Promise<CoverageEntityRow | undefined> {
    const entity =
      (await this.#options.describer.withOpenSloFile?.(catalogEntity)) ??
      catalogEntity;
    const ref = stringifyEntityRef(entity);
    // A file read in beside the entity can change while its etag does not.
    const version = entityVersion(entity, {
      readIn: entity !== catalogEntity,
    });
    const known = this.#remembered.recall(ref, version);
    if (known?.row === null) {
      this.#remembered.touch(ref, run.runId);
      return undefined;
    }
    const gatherable = known?.row && this.#gatherableOf(entity, known);
    if (known?.row && gatherable) {
      const row = known.row;
      const { cycle } = run;
      const observed = await cycle.bucketsToMeasureAt(gatherable);
      if ((observed?.join(',') ?? '') === known.buckets) {
        const { facts } = await cycle.gather(gatherable);
        if (factsFingerprint(facts) === known.facts) {
          this.#remembered.touch(ref, run.runId);
          return this.#withLiveFields(row, gatherable.spec, run);
        }
      }
    }
    return this.#evaluate(entity, ref, version, run);
  }

  /**
   * A remembered entry's spec, parsed again from the entity at the buckets
   * its row was measured at (as describing it did), and its rule names;
   * undefined without a describer that parses, and the entity is then
   * described anew.
   */
  #gatherableOf(
    entity: Entity,
    known: { gatherable: RememberedDescription; buckets: string },
  ): GatherableDescription | undefined {
    const spec = this.#options.describer.spec?.(
      entity,
      known.buckets ? { observedBuckets: known.buckets.split(',') } : {},
    );
    return spec && { spec, artifacts: known.gatherable.artifacts };
  }

  async #evaluate(
    entity: Entity,
    ref: string,
    version: string,
    run: RunContext,
  ): Promise<CoverageEntityRow | undefined> {
    const { describer } = this.#options;
    let configured: EntityDescription | undefined;
    if (describer.servesRequests?.(entity) !== false) {
      this.#described += 1;
      configured = describer.describe(entity);
    }
    if (!configured?.spec.servesRequests) {
      // Libraries and websites have no RED targets: counting them as
      // services would dilute every coverage figure (see docs/annotations.md).
      this.#remembered.remember(ref, run.runId, {
        version,
        buckets: '',
        facts: '',
        gatherable: null,
        row: null,
      });
      return undefined;
    }
    let buckets = '';
    const {
      description,
      gathered: { facts },
    } = await run.cycle.gatherAtLiveBuckets(configured, observedBuckets => {
      buckets = observedBuckets.join(',');
      return describer.describe(entity, { observedBuckets });
    });
    const { spec, artifacts } = description;
    const summary = summarizeChecks(describer.check(description, facts));
    const row: RememberedRowFields = {
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
    };
    this.#remembered.remember(ref, run.runId, {
      version,
      buckets,
      facts: factsFingerprint(facts),
      gatherable: description,
      row,
    });
    return this.#withLiveFields(row, spec, run);
  }

  /** What every run measures anew: its time and the SLO attainment. */
  async #withLiveFields(
    row: RememberedRowFields,
    spec: ObservabilitySpec,
    run: RunContext,
  ): Promise<CoverageEntityRow> {
    // The spec as measured at the live buckets, as the tab measures it.
    const attainment = await run.slos?.measure(spec);
    return { ...row, evaluatedAt: run.evaluatedAt, ...attainment };
  }
}

/** What the rows of one run share. */
interface RunContext {
  runId: string;
  evaluatedAt: string;
  cycle: FactCycle;
  slos?: Pick<SloAttainmentBatch, 'measure'>;
}

function throwIfAborted(signal?: AbortSignal) {
  if (signal?.aborted) {
    throw new Error(
      'Coverage evaluation aborted (timeout, shutdown, or taken for dead)',
    );
  }
}
