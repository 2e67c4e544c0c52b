import type { AlertmanagerApiAlert } from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import type { AlertmanagerInstanceConfig } from './config';
import { alertmanagerAlerts } from './answerShapes';
import type { OutboundHttp } from './OutboundHttp';
import { SharedAnswers } from './SharedAnswers';

/** Escapes a value for Alertmanager's `filter` matcher syntax. */
function matcherValue(value: string): string {
  return JSON.stringify(value);
}

/**
 * Client for one Alertmanager (API v2). Goes through {@link OutboundHttp} like
 * every outbound call.
 * @public
 */
export class AlertmanagerClient {
  readonly #instance: AlertmanagerInstanceConfig;
  readonly #http: OutboundHttp;
  readonly #answers: SharedAnswers<AlertmanagerApiAlert[]>;

  static create(options: {
    instance: AlertmanagerInstanceConfig;
    http: OutboundHttp;
    /**
     * How long one answer serves everyone asking the same; 0 keeps none. For
     * as long again it still serves while one call fetches its successor.
     */
    cacheTtlMs?: number;
    now?: () => number;
  }) {
    return new AlertmanagerClient(options);
  }

  private constructor(options: {
    instance: AlertmanagerInstanceConfig;
    http: OutboundHttp;
    cacheTtlMs?: number;
    now?: () => number;
  }) {
    this.#instance = options.instance;
    this.#http = options.http;
    this.#answers = new SharedAnswers({
      ttlMs: options.cacheTtlMs ?? 0,
      // Each tab asks for its own service's alerts: without this, each
      // service's first view after every TTL waits for Alertmanager.
      staleMs: options.cacheTtlMs ?? 0,
      now: options.now ?? Date.now,
      target: `alertmanager:${options.instance.name}`,
    });
  }

  get instance(): AlertmanagerInstanceConfig {
    return this.#instance;
  }

  /**
   * Active, silenced and inhibited alerts — only those carrying
   * `label="value"` when `only` is given: the tab's filtering happens in
   * Alertmanager, so a storm elsewhere costs it nothing.
   */
  async alerts(
    ctx: RequestContext,
    only?: { label: string; value: string },
  ): Promise<AlertmanagerApiAlert[]> {
    const params = new URLSearchParams({
      active: 'true',
      silenced: 'true',
      inhibited: 'true',
      unprocessed: 'true',
    });
    if (only)
      params.append('filter', `${only.label}=${matcherValue(only.value)}`);
    const url = `${this.#instance.url}/api/v2/alerts?${params}`;
    const target = `alertmanager:${this.#instance.name}`;
    return this.#answers.get(url, ctx, () =>
      this.#http.json({ target, url }, ctx, value =>
        alertmanagerAlerts(value, target),
      ),
    );
  }

  /**
   * Its `/api/v2/status` answer, left unread: the routing check reads the
   * configuration it is running (`config.original`) from it.
   */
  async status(ctx: RequestContext): Promise<unknown> {
    return this.#http.json(
      {
        target: `alertmanager:${this.#instance.name}`,
        url: `${this.#instance.url}/api/v2/status`,
      },
      ctx,
    );
  }
}
