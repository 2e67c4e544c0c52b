import type { RequestContext } from '../telemetry/context';
import type { AlertmanagerInstanceConfig } from './config';
import type { OutboundHttp } from './OutboundHttp';

/** An alert as Alertmanager's `/api/v2/alerts` returns it. @public */
export interface AlertmanagerApiAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  updatedAt?: string;
  status: {
    state: 'active' | 'suppressed' | 'unprocessed';
    silencedBy?: string[];
    inhibitedBy?: string[];
  };
  receivers?: Array<{ name: string }>;
}

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
   * Active, silenced and inhibited alerts carrying `label="value"`; the
   * filtering happens in Alertmanager so a storm elsewhere costs us nothing.
   */
  async alertsFor(
    label: string,
    value: string,
    ctx: RequestContext,
  ): Promise<AlertmanagerApiAlert[]> {
    const params = new URLSearchParams({
      active: 'true',
      silenced: 'true',
      inhibited: 'true',
      unprocessed: 'true',
    });
    params.append('filter', `${label}=${matcherValue(value)}`);
    return this.#http.json<AlertmanagerApiAlert[]>(
      {
        target: `alertmanager:${this.#instance.name}`,
        url: `${this.#instance.url}/api/v2/alerts?${params}`,
      },
      ctx,
    );
  }
}
