/**
 * Absolute links an alert carries to its runbook and dashboard. The backend,
 * the CLI, the runbook generator and the frontend's runbook page all use
 * these two functions, so a link in a page always lands on a page that exists.
 */
import type { GeneratorConfig } from '../spec/config';
import type { ObservabilitySpec } from '../spec/types';
import { normalizeHttpUrl } from '../spec/url';
import { sanitizeText } from './escape';

/**
 * The entity's route segments as Backstage's own `entityRouteParams` builds
 * them (kind and namespace lower-cased, every segment URI-encoded; lone
 * surrogates, which cannot be encoded, replaced), so the
 * portal links below resolve to the entity page that really exists.
 */
function entityPath(spec: ObservabilitySpec): string {
  const namespace = (spec.namespace || 'default').toLowerCase();
  const kind = (spec.kind || 'component').toLowerCase();
  return [namespace, kind, spec.name]
    .map(segment => encodeURIComponent(sanitizeText(segment)))
    .join('/');
}

function base(config: GeneratorConfig): string {
  return config.portalBaseUrl.replace(/\/+$/, '');
}

/**
 * Runbook link for one alert: the entity's own `redline.dev/runbook-url` when
 * it is an absolute http(s) URL, else the portal's generated runbook page
 * `<portal>/observability/runbooks/<namespace>/<kind>/<name>/<alert>`.
 * @public
 */
export function runbookUrlFor(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
  alertName: string,
): string {
  return runbookUrlsFor(spec, config)(alertName);
}

/**
 * {@link runbookUrlFor} for the alerts of one entity: the entity's own link
 * (a URL parse) and its portal path are worked out once, not once per alert.
 * @public
 */
export function runbookUrlsFor(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): (alertName: string) => string {
  const own = normalizeHttpUrl(spec.links.runbookUrl);
  if (own) return () => own;
  const prefix = `${base(config)}/observability/runbooks/${entityPath(spec)}/`;
  return alertName => `${prefix}${encodeURIComponent(sanitizeText(alertName))}`;
}

/**
 * Dashboard link: the entity's `redline.dev/dashboard-url` when it is an
 * absolute http(s) URL, else the entity's Observability tab in the portal.
 * @public
 */
export function dashboardUrlFor(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): string {
  const own = normalizeHttpUrl(spec.links.dashboardUrl);
  if (own) return own;
  return observabilityTabUrlFor(spec, config);
}

/** The entity's Observability tab in the portal. @public */
export function observabilityTabUrlFor(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): string {
  return `${base(config)}/catalog/${entityPath(spec)}/observability`;
}
