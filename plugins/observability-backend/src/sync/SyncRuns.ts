import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  isError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { OutboundError } from '../services/retry';
import { backgroundContext } from '../telemetry/context';
import type { SyncResult } from './CatalogRuleSync';
import type { RuleSyncService } from './RuleSyncService';

/** @internal */
export type SyncRunStatus = 'running' | 'succeeded' | 'failed';

/** One sync that writes, running in the background or finished. @internal */
export interface SyncRun {
  /** Random, so only whoever started or joined the run knows it. */
  id: string;
  target: string;
  /** Who started it: a user or service ref, or `scheduler`. */
  actor: string;
  status: SyncRunStatus;
  startedAt: string;
  finishedAt?: string;
  /** What the sync found and did, once it succeeded. */
  result?: SyncResult;
  /** What is left of `result` once the run is older than the plans kept. */
  outline?: SyncOutline;
  /** Why it failed, written for people: no stack, path or SQL. */
  error?: string;
}

/** A finished run's counts, without its plan. @internal */
export type SyncOutline = Pick<
  SyncResult,
  'entities' | 'applied' | 'durationMs'
> & { writes: number; deletes: number; undescribed: number };

/** What asking for a run gave. @internal */
export interface StartedSyncRun {
  run: SyncRun;
  /** True when a run for the target was already going and this is it. */
  joined: boolean;
  /** Settles (never rejects) with the run once it has finished. */
  finished: Promise<SyncRun>;
}

/** Finished runs kept for `GET /sync/runs/:id`. @internal */
export const KEPT_SYNC_RUNS = 50;

/**
 * Finished runs kept with their plan; older ones keep an outline. A first
 * sync's plan names every group of the catalog (megabytes at 10 000
 * entities), and a target that refuses every write plans that much each run.
 * @internal
 */
export const KEPT_SYNC_PLANS = 10;

interface Entry {
  run: SyncRun;
  finished: Promise<SyncRun>;
}

/**
 * The catalog-wide syncs that write, run in the background so no HTTP
 * request has to wait out a first sync of thousands of namespaces, and at
 * most one per target at a time, whoever asks (a person, the CLI, the
 * scheduler): a second request for a busy target joins the running sync.
 *
 * Runs live in memory, the last {@link KEPT_SYNC_RUNS} finished ones kept.
 * That is enough because a run is only a progress report: every change it
 * makes is recorded in the apply history in the database with who and why,
 * and a run cut off by a backend stop leaves each group old or new, which
 * the next sync finishes (the killed-sync convergence test covers that).
 * With several replicas a run lives in the replica that started it, so a
 * manual sync on one may overlap the scheduled one on another; both write
 * what the same catalog declares, each namespace whole, and end alike.
 * @internal
 */
export class SyncRuns {
  static create(options: {
    sync: Pick<RuleSyncService, 'run'>;
    logger: LoggerService;
    keep?: { runs: number; plans: number };
  }): SyncRuns {
    return new SyncRuns(
      options.sync,
      options.logger,
      options.keep ?? { runs: KEPT_SYNC_RUNS, plans: KEPT_SYNC_PLANS },
    );
  }

  readonly #sync: Pick<RuleSyncService, 'run'>;
  readonly #logger: LoggerService;
  readonly #keep: { runs: number; plans: number };
  readonly #runs = new Map<string, Entry>();
  /** Ids of the finished runs kept, oldest end first. */
  readonly #ended: string[] = [];
  readonly #shutdown = new AbortController();

  private constructor(
    sync: Pick<RuleSyncService, 'run'>,
    logger: LoggerService,
    keep: { runs: number; plans: number },
  ) {
    this.#sync = sync;
    this.#logger = logger;
    this.#keep = keep;
  }

  /**
   * Starts a sync of `target` unless one is running, which is answered
   * instead. It stops at {@link SyncRuns.stop} or when `signal` fires (the
   * scheduled task's timeout), never when the HTTP request that asked ends.
   */
  start(request: {
    target: string;
    actor: string;
    signal?: AbortSignal;
  }): StartedSyncRun {
    const running = [...this.#runs.values()].find(
      e => e.run.target === request.target && e.run.status === 'running',
    );
    if (running)
      return {
        run: { ...running.run },
        joined: true,
        finished: running.finished,
      };
    if (this.#shutdown.signal.aborted)
      throw new ServiceUnavailableError(
        'The backend is shutting down; no sync starts now',
      );

    const run: SyncRun = {
      id: randomUUID(),
      target: request.target,
      actor: request.actor,
      status: 'running',
      startedAt: new Date().toISOString(),
    };
    const signal = request.signal
      ? AbortSignal.any([this.#shutdown.signal, request.signal])
      : this.#shutdown.signal;
    const ctx = backgroundContext(
      this.#logger,
      { task: 'rule-sync', syncRun: run.id },
      signal,
    );
    const finished = (async (): Promise<SyncRun> => {
      try {
        run.result = await this.#sync.run({
          target: run.target,
          actor: run.actor,
          ctx,
        });
        run.status = 'succeeded';
      } catch (error) {
        run.status = 'failed';
        run.error = this.#describeFailure(error, signal, ctx.correlationId);
        ctx.logger.error(
          `Rule sync ${run.id} into ${run.target} failed`,
          isError(error) ? error : new Error(String(error)),
        );
      }
      run.finishedAt = new Date().toISOString();
      this.#ended.push(run.id);
      while (this.#ended.length > this.#keep.runs)
        this.#runs.delete(this.#ended.shift()!);
      const planless = this.#ended.at(-1 - this.#keep.plans);
      if (planless !== undefined) outlineOnly(this.#runs.get(planless)?.run);
      return { ...run };
    })();
    this.#runs.set(run.id, { run, finished });
    return { run: { ...run }, joined: false, finished };
  }

  /** The run of that id; a `NotFoundError` naming it when not kept. */
  get(id: string): SyncRun {
    const entry = this.#runs.get(id);
    if (!entry)
      throw new NotFoundError(
        `No sync run '${id}': runs are kept in memory, the last ${
          this.#keep.runs
        } finished ones, until the backend restarts`,
      );
    return { ...entry.run };
  }

  /** Stops the running syncs (backend shutdown) and waits until they end. */
  async stop(): Promise<void> {
    this.#shutdown.abort(new Error('The backend is shutting down'));
    await Promise.all([...this.#runs.values()].map(e => e.finished));
  }

  #describeFailure(
    error: unknown,
    signal: AbortSignal,
    correlationId: string,
  ): string {
    if (signal.aborted)
      return this.#shutdown.signal.aborted
        ? 'Stopped because the backend shut down; the next sync finishes what is left'
        : 'Stopped at the timeout of the scheduled task; the next sync finishes what is left';
    // Target and catalog errors Redline words itself, as the apply history
    // records them; anything else may carry a path or SQL.
    if (
      error instanceof OutboundError ||
      (isError(error) && error.name === 'NotFoundError')
    )
      return error.message;
    return `The sync failed; the backend log has the details (correlation id ${correlationId})`;
  }
}

function outlineOnly(run: SyncRun | undefined): void {
  if (!run?.result) return;
  const { plan, entities, applied, durationMs, undescribed } = run.result;
  run.outline = {
    entities,
    ...(applied ? { applied } : {}),
    durationMs,
    writes: plan.writes.length,
    deletes: plan.deletes.length,
    undescribed: undescribed.length,
  };
  delete run.result;
}
