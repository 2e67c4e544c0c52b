import type { EntityFacts } from '../check/types';
import type { AlertmanagerApiAlert, PrometheusApiRuleGroup } from './apiTypes';

/**
 * Where facts come from: the only I/O of the fact gatherer, supplied by its
 * caller (the backend's retrying clients and catalog, or the CLI's plain
 * fetch and catalog files). A source that is absent leaves its facts
 * `unknown` ("not asked"); a method that throws leaves them `unknown` with
 * the error's message, so every message must be fit for people.
 * `instance` is the entity's named instance, undefined for the default.
 * @public
 */
export interface FactSources {
  /** The configured name of the entity's Prometheus, for messages and lint locations. */
  prometheusName?(instance: string | undefined): string | undefined;
  /** Every rule group the entity's Prometheus has loaded. */
  prometheusRules?(
    instance: string | undefined,
  ): Promise<PrometheusApiRuleGroup[]>;
  /**
   * Label sets of the series of `metrics` with a recent sample, reduced to
   * `__name__` and `labels` (one answer serves every entity selecting on
   * the same label names).
   */
  seriesLabelSets?(
    instance: string | undefined,
    metrics: string[],
    labels: string[],
  ): Promise<Array<Record<string, string>>>;
  /**
   * Label sets of the series of the histogram bucket metric `metric` with a
   * recent sample, reduced to `le` and `labels`: the buckets every service
   * exposes, in one answer.
   */
  bucketLabelSets?(
    instance: string | undefined,
    metric: string,
    labels: string[],
  ): Promise<Array<Record<string, string>>>;
  /**
   * Active, silenced and inhibited alerts of the entity's Alertmanager —
   * only those with `label="value"` when `only` is given —, or `undefined`
   * when none is configured (Prometheus' own rule states are used then).
   */
  alertmanagerAlerts?(
    instance: string | undefined,
    only?: { label: string; value: string },
  ): Promise<AlertmanagerApiAlert[] | undefined>;
  /**
   * The entity's Alertmanager's `/api/v2/status` answer with the instance's
   * name, or `undefined` when none is configured: the routing check reads
   * the configuration it is running from it.
   */
  alertmanagerStatus?(
    instance: string | undefined,
  ): Promise<{ name: string; status: unknown } | undefined>;
  /** Which of these owner refs exist in the catalog. */
  ownersExist?(refs: string[]): Promise<ReadonlyMap<string, boolean>>;
  /** Whether these runbook links answer. */
  probeRunbooks?(urls: string[]): Promise<NonNullable<EntityFacts['runbooks']>>;
}
