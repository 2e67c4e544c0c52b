import {
  entitySloAttainment,
  indexSloBatchAnswer,
  planSloBatch,
  type EntitySloAttainment,
  type GeneratorConfig,
  type ObservabilitySpec,
  type PromSample,
  type SloBatchAnswer,
} from '@redline/backstage-plugin-observability-common';

/** @public */
export interface SloAttainmentBatchOptions {
  config: GeneratorConfig;
  /** The run's moment (ms); every SLO window of the run ends here. */
  nowMs: number;
  /**
   * An instant query on the Prometheus of `spec` (its
   * `prometheusInstance`); rejects when there is none or it does not answer.
   */
  query(
    spec: ObservabilitySpec,
    promql: string,
    time: number,
  ): Promise<PromSample[]>;
  /** Told once per failed batch query (the SLOs it measures have no data). */
  onQueryFailed?: (instance: string | undefined, error: unknown) => void;
}

/**
 * Numbers are read at whole minutes, as the tab reads them, so a row and a
 * tab opened in the same minute ask Prometheus the same windows.
 */
const ALIGN_MS = 60_000;

/**
 * SLO attainment of every entity of one coverage run. The first entity
 * that needs a window on an instance sends that window's batch query (see
 * `planSloBatch`); every later entity on it waits for the same answer, a
 * failure included, so a run costs Prometheus one query per instance and
 * distinct SLO window (in practice: instances × windows in use, at most
 * five windows), whatever the number of entities.
 * @public
 */
export class SloAttainmentBatch {
  readonly #options: SloAttainmentBatchOptions;
  readonly #nowMs: number;
  readonly #answers = new Map<string, Promise<SloBatchAnswer | undefined>>();

  constructor(options: SloAttainmentBatchOptions) {
    this.#options = options;
    this.#nowMs = Math.floor(options.nowMs / ALIGN_MS) * ALIGN_MS;
  }

  /** Batch queries sent so far. */
  get queries(): number {
    return this.#answers.size;
  }

  /** The entity's SLO figures; never throws (no answer is no data). */
  async measure(spec: ObservabilitySpec): Promise<EntitySloAttainment> {
    const items = planSloBatch(spec, this.#options.config, this.#nowMs);
    const answers = new Map<string, SloBatchAnswer>();
    await Promise.all(
      items.map(async ({ group }) => {
        if (!group) return;
        let pending = this.#answers.get(group.key);
        if (!pending) {
          pending = this.#options.query(spec, group.query, group.at).then(
            samples => indexSloBatchAnswer(samples, group.serviceLabel),
            error => {
              this.#options.onQueryFailed?.(group.instance, error);
              return undefined;
            },
          );
          this.#answers.set(group.key, pending);
        }
        const answer = await pending;
        if (answer) answers.set(group.key, answer);
      }),
    );
    return entitySloAttainment(spec, items, answers);
  }
}
