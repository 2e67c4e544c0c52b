import type { AlertmanagerApiAlert } from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import type { AlertmanagerInstanceConfig } from './config';
import type { OutboundHttp } from './OutboundHttp';

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

  static create(options: {
    instance: AlertmanagerInstanceConfig;
    http: OutboundHttp;
  }) {
    return new AlertmanagerClient(options.instance, options.http);
  }

  private constructor(
    instance: AlertmanagerInstanceConfig,
    http: OutboundHttp,
  ) {
    this.#instance = instance;
    this.#http = http;
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
    return this.#http.json<AlertmanagerApiAlert[]>(
      {
        target: `alertmanager:${this.#instance.name}`,
        url: `${this.#instance.url}/api/v2/alerts?${params}`,
      },
      ctx,
    );
  }
}
