/**
 * The CLI's side of `-common`'s fact gatherer: the {@link FactSources} of a
 * `redline check` run, on Node's own `fetch` and the catalog files given.
 * Every failure is an Error whose message names the server and what went
 * wrong, because the checks show it as their reason.
 */
import {
  AlertmanagerApiAlert,
  bucketLabelSetsQuery,
  EntityFacts,
  FactSources,
  PrometheusApiRuleGroup,
  seriesLabelSetsQuery,
} from '@redline/backstage-plugin-observability-common';

/** How long Prometheus and Alertmanager get per call. */
const API_TIMEOUT_MS = 30_000;
/** How long a runbook link gets to answer. */
export const RUNBOOK_TIMEOUT_MS = 5_000;

/** Why a request got no answer, in words (never a stack). */
export function networkReason(error: unknown, timeoutMs: number): string {
  const err = error as {
    name?: string;
    message?: string;
    cause?: {
      code?: string;
      message?: string;
      errors?: Array<{ message?: string }>;
    };
  };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError')
    return `no answer within ${timeoutMs / 1000} s`;
  // undici's own message is only "fetch failed"; the cause says why
  // (connect ECONNREFUSED 127.0.0.1:9, getaddrinfo ENOTFOUND host, …).
  const cause = err?.cause;
  const detail =
    cause?.message || cause?.errors?.[0]?.message || cause?.code || undefined;
  if (detail) return detail;
  return typeof err?.message === 'string' ? err.message : String(error);
}

async function getJson<T>(what: string, url: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(
      `${what} did not answer (${networkReason(error, API_TIMEOUT_MS)})`,
    );
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    // Prometheus explains a refused query in its JSON envelope.
    const explained = (body as { error?: unknown } | undefined)?.error;
    const detail =
      typeof explained === 'string' ? explained : text.trim().slice(0, 200);
    throw new Error(
      `${what} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`,
    );
  }
  if (body === undefined)
    throw new Error(
      `${what} did not answer with JSON (is this the right URL?)`,
    );
  return body as T;
}

interface PromEnvelope<T> {
  status?: string;
  data?: T;
  errorType?: string;
  error?: string;
}

/** GETs a Prometheus API path, unwrapping its envelope; errors name the server and the path. */
export async function prometheusApi<T>(base: string, path: string): Promise<T> {
  const what = `Prometheus at ${base} (GET ${path.split('?')[0]})`;
  const envelope = await getJson<PromEnvelope<T>>(what, `${base}${path}`);
  if (envelope?.status !== 'success') {
    throw new Error(
      `${what} query failed: ${envelope?.errorType ?? 'error'}: ${
        envelope?.error ?? 'no reason given'
      }`,
    );
  }
  return envelope.data as T;
}

/** GETs a runbook link; a page that answers 2xx (after redirects) is `ok`. */
export async function probeRunbook(
  url: string,
): Promise<NonNullable<EntityFacts['runbooks']>[number]> {
  try {
    const res = await fetch(url, {
      redirect: 'follow',
      signal: AbortSignal.timeout(RUNBOOK_TIMEOUT_MS),
    });
    // Only the status matters; do not download the page.
    await res.body?.cancel().catch(() => undefined);
    return { url, ok: res.ok, status: res.status };
  } catch (error) {
    return { url, ok: false, error: networkReason(error, RUNBOOK_TIMEOUT_MS) };
  }
}

/** Options of {@link cliFactSources}. */
export interface CliFactSourcesOptions {
  /** Base URL of the Prometheus every entity is checked against. */
  prometheusUrl: string;
  /** Base URL of the Alertmanager; without it Prometheus' rule states give the live alerts. */
  alertmanagerUrl?: string;
  /** Refs (`kind:namespace/name`) of the Groups and Users in the catalog files. */
  knownOwners: Iterable<string>;
}

/**
 * The sources of one run. The run has one Prometheus and one Alertmanager,
 * whatever instance an entity names, so every answer is fetched once per
 * run and shared, even by entities whose instance names differ.
 */
export function cliFactSources(options: CliFactSourcesOptions): FactSources {
  const prometheus = options.prometheusUrl.replace(/\/+$/, '');
  const alertmanager = options.alertmanagerUrl?.replace(/\/+$/, '');
  const owners = new Set(
    [...options.knownOwners].map(ref => ref.toLocaleLowerCase('en-US')),
  );
  const once = new Map<string, Promise<unknown>>();
  const memo = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let pending = once.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = load();
      once.set(key, pending);
    }
    return pending;
  };

  const labelSets = (query: string) =>
    memo(`query\u0000${query}`, async () => {
      const data = await prometheusApi<{
        result?: Array<{ metric?: Record<string, string> }>;
      }>(prometheus, `/api/v1/query?${new URLSearchParams({ query })}`);
      return (Array.isArray(data?.result) ? data.result : []).map(
        sample => sample.metric ?? {},
      );
    });

  return {
    // Lint locations name the server the run actually read.
    prometheusName: () => prometheus,
    prometheusRules: () =>
      memo('rules', async () => {
        const data = await prometheusApi<{ groups?: unknown }>(
          prometheus,
          '/api/v1/rules',
        );
        if (!Array.isArray(data?.groups))
          throw new Error(
            `Prometheus at ${prometheus} (GET /api/v1/rules) answered without data.groups`,
          );
        return data.groups as PrometheusApiRuleGroup[];
      }),

    // The queries the backend's PrometheusClient sends, so the CLI and the
    // tab decide "metrics exist" and "measured at which bucket" on the same
    // answers.
    seriesLabelSets: (_instance, metrics, labels) =>
      labelSets(seriesLabelSetsQuery(metrics, labels)),
    bucketLabelSets: (_instance, metric, labels) =>
      labelSets(bucketLabelSetsQuery(metric, labels)),

    // A check run is one batch cycle, which asks for all alerts once and
    // picks each entity's itself, so `only` is never needed here.
    alertmanagerAlerts: () =>
      alertmanager === undefined
        ? Promise.resolve(undefined)
        : memo('alerts', async () => {
            const params = new URLSearchParams({
              active: 'true',
              silenced: 'true',
              inhibited: 'true',
              unprocessed: 'true',
            });
            const alerts = await getJson<unknown>(
              `Alertmanager at ${alertmanager} (GET /api/v2/alerts)`,
              `${alertmanager}/api/v2/alerts?${params}`,
            );
            if (!Array.isArray(alerts))
              throw new Error(
                `Alertmanager at ${alertmanager} (GET /api/v2/alerts) did not answer with a list of alerts`,
              );
            return alerts as AlertmanagerApiAlert[];
          }),

    ownersExist: async refs =>
      new Map(
        refs.map(ref => [ref, owners.has(ref.toLocaleLowerCase('en-US'))]),
      ),

    probeRunbooks: urls =>
      Promise.all(
        urls.map(url => memo(`runbook\u0000${url}`, () => probeRunbook(url))),
      ),
  };
}
