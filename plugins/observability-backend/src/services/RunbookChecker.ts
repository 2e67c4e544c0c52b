import {
  hasUrlCredentials,
  isHttpUrl,
  type EntityFacts,
} from '@redline/backstage-plugin-observability-common';
import type { RequestContext } from '../telemetry/context';
import type { OutboundHttp } from './OutboundHttp';
import { OutboundError } from './retry';

/** One runbook link's reachability, as {@link EntityFacts} carries it. @public */
export type RunbookFact = NonNullable<EntityFacts['runbooks']>[number];

/** The reason given for links Redline refuses to fetch. @public */
export const HOST_NOT_ALLOWED = 'host not allowed';

/**
 * Checks that runbook links answer. Only hosts listed in
 * `runbookCheck.allowedHosts` are contacted: a backend that fetched any URL a
 * catalog author wrote would be a server-side request forgery hole.
 * @public
 */
export class RunbookChecker {
  readonly #http: OutboundHttp;
  readonly #allowedHosts: string[];
  readonly #timeoutMs: number;

  static create(options: {
    http: OutboundHttp;
    allowedHosts: string[];
    timeoutMs: number;
  }) {
    return new RunbookChecker(options);
  }

  private constructor(options: {
    http: OutboundHttp;
    allowedHosts: string[];
    timeoutMs: number;
  }) {
    this.#http = options.http;
    this.#allowedHosts = options.allowedHosts.map(h =>
      h.toLocaleLowerCase('en-US'),
    );
    this.#timeoutMs = options.timeoutMs;
  }

  isAllowed(url: URL): boolean {
    // The URL parser already lower-cases http(s) host names; a coverage run
    // asks this for every entity.
    const host = url.hostname;
    return this.#allowedHosts.some(allowed =>
      allowed.startsWith('*.')
        ? host.endsWith(allowed.slice(1))
        : host === allowed,
    );
  }

  async checkAll(urls: string[], ctx: RequestContext): Promise<RunbookFact[]> {
    return Promise.all([...new Set(urls)].map(url => this.check(url, ctx)));
  }

  /** The link's fact; rejects with a `cancelled` {@link OutboundError} once `ctx.signal` aborts. */
  async check(rawUrl: string, ctx: RequestContext): Promise<RunbookFact> {
    // Annotations with such links are dropped at parse time; this guards
    // any other way a link arrives.
    if (hasUrlCredentials(rawUrl)) {
      return {
        url: rawUrl,
        ok: false,
        error: 'links with credentials (user@host) are never fetched',
      };
    }
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return { url: rawUrl, ok: false, error: 'not a valid absolute URL' };
    }
    if (!isHttpUrl(rawUrl)) {
      return {
        url: rawUrl,
        ok: false,
        error: `unsupported scheme ${url.protocol}`,
      };
    }
    if (!this.isAllowed(url)) {
      return {
        url: rawUrl,
        ok: false,
        skipped: HOST_NOT_ALLOWED,
        error: HOST_NOT_ALLOWED,
      };
    }
    try {
      const response = await this.#request(url, 'HEAD', ctx);
      return { url: rawUrl, ok: true, status: response };
    } catch (error) {
      // Some servers refuse HEAD (405/501); ask once more with GET.
      if (
        error instanceof OutboundError &&
        (error.status === 405 || error.status === 501)
      ) {
        try {
          return {
            url: rawUrl,
            ok: true,
            status: await this.#request(url, 'GET', ctx),
          };
        } catch (retryError) {
          return failure(rawUrl, retryError);
        }
      }
      return failure(rawUrl, error);
    }
  }

  async #request(
    url: URL,
    method: 'HEAD' | 'GET',
    ctx: RequestContext,
  ): Promise<number> {
    const response = await this.#http.send(
      {
        target: `runbook:${url.host}`,
        url: url.href,
        method,
        timeoutMs: this.#timeoutMs,
        // Links are written by catalog authors, one per entity: a link that
        // fails says nothing about its neighbours on the same host, and a
        // circuit per host would let one entity's bad link mark every other
        // entity's runbook unreachable. The cost is that a wiki that is down
        // costs each distinct link its own attempts, which the per-check
        // timeout and the view's deadline bound.
        circuit: url.href,
        discardBody: true,
      },
      ctx,
    );
    return response.status;
  }
}

function failure(url: string, error: unknown): RunbookFact {
  // A cancelled check says nothing about the link, so it must not become a
  // "broken runbook" fact: the caller's abort propagates instead.
  if (error instanceof OutboundError && error.kind === 'cancelled') throw error;
  if (error instanceof OutboundError) {
    return { url, ok: false, status: error.status, error: error.message };
  }
  return { url, ok: false, error: String((error as Error)?.message ?? error) };
}
