/**
 * Entity -> ObservabilitySpec. Every annotation goes through its zod schema;
 * a value that fails becomes a finding and the default is used, so a broken
 * catalog entry degrades to "seed defaults plus readable findings" instead of
 * an error page.
 */
import {
  Entity,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  isObservabilityAnnotation,
  REDLINE_ANNOTATION_PREFIX,
} from './annotations';
import {
  AnnotationDefinition,
  ANNOTATION_DEFINITIONS,
  exampleValue,
  SAFE_LABEL_VALUE,
} from './annotationSchemas';
import {
  DEFAULT_METRIC_NAMES,
  GeneratorConfig,
  resolveGeneratorConfig,
} from './config';
import { canonicalLabelMatchers, LabelMatcher } from './labelMatchers';
import {
  bucketsFromLeValues,
  formatDuration,
  latencyBucketFinding,
} from './latencyBucket';
import { entityRole, notServingRequests } from './servesRequests';
import { parseAnnotationValue } from './parsedValues';
import { sloWindowDays } from './sloWindow';
import { readOpenSloAnnotation } from '../openslo/entityOpenSlo';
import type {
  Finding,
  ObservabilitySpec,
  ParsedSpec,
  SloSpec,
  SloWindow,
  Sourced,
} from './types';

/** Seed defaults for the RED thresholds (see the seed's "Key Metrics (RED Method)" table). @public */
export const DEFAULT_RED_THRESHOLDS = {
  rateDropPercent: 50,
  errorRatePercent: 1,
  latencyP99Ms: 500,
} as const;

/**
 * TrafficDrop's minimum usual rate, in requests/s: about 30 requests per 5m
 * window, where a 50 % dip over 10 minutes is no longer plain chance.
 * @public
 */
export const DEFAULT_TRAFFIC_DROP_MIN_RATE = 0.1;

/** SLO compliance window, like Sloth and Pyrra. @public */
export const SLO_WINDOW_DAYS = 30;
/** Sloth's and Pyrra's default compliance window. @public */
export const DEFAULT_SLO_WINDOW: SloWindow = { type: 'rolling', days: 30 };

const MAX_SHOWN_VALUE = 200;
/** Redline's own annotation keys, in declaration order; listed once, not per entity. */
const REDLINE_KEYS: readonly string[] = Object.values(ANNOTATIONS);
const KNOWN_REDLINE_KEYS: ReadonlySet<string> = new Set(REDLINE_KEYS);
const refValidator = makeValidator();

/** A YAML snippet a user can paste under `metadata.annotations`. */
function annotationSnippet(entries: Array<[string, string]>): string {
  return [
    'metadata:',
    '  annotations:',
    ...entries.map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`),
  ].join('\n');
}

function shown(value: string): string {
  return value.length > MAX_SHOWN_VALUE
    ? `${value.slice(0, MAX_SHOWN_VALUE)}…`
    : value;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length];
}

function nearestKnownKey(key: string): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const known of Object.values(ANNOTATIONS)) {
    const distance = editDistance(key, known);
    if (!best || distance < best.distance) best = { key: known, distance };
  }
  return best && best.distance <= 4 ? best.key : undefined;
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : undefined;
}

/** Each annotation's parsed value, by definition name. */
type AnnotationValues<D> = {
  [K in keyof D]?: D[K] extends AnnotationDefinition<infer T> ? T : never;
};

/**
 * What `readAll` needs of a definitions object, worked out once rather than
 * per entity: its entries, and an object with every name set to undefined
 * that each entity's values start as a copy of.
 */
interface DefinitionsLayout {
  entries: ReadonlyArray<[string, AnnotationDefinition<unknown>]>;
  blank: Readonly<Record<string, undefined>>;
}
const layouts = new WeakMap<object, DefinitionsLayout>();
function layoutOf(
  definitions: Record<string, AnnotationDefinition<unknown>>,
): DefinitionsLayout {
  let layout = layouts.get(definitions);
  if (!layout) {
    const entries = Object.entries(definitions);
    layout = {
      entries,
      blank: Object.fromEntries(entries.map(([name]) => [name, undefined])),
    };
    layouts.set(definitions, layout);
  }
  return layout;
}

/** Collects findings while annotations are read. */
class AnnotationReader {
  readonly findings: Finding[] = [];
  readonly described: string[] = [];

  constructor(
    private readonly annotations: Record<string, unknown>,
    /** The service fix snippets name (the entity's name as a label value). */
    private readonly service: string,
  ) {}

  /** The fix snippet setting `definition` to a valid value for this entity. */
  fixFor(...definitions: Array<AnnotationDefinition<unknown>>): string {
    return annotationSnippet(
      definitions.map(d => [d.key, exampleValue(d, this.service)]),
    );
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.annotations, key);
  }

  /**
   * The parsed value of every annotation in `definitions` the entity has,
   * in the order they are declared; absent and invalid ones are left out
   * (each invalid one adds a finding, so those findings are listed in
   * declaration order too, whatever `parseSpec` reads first).
   */
  readAll<D extends Record<string, AnnotationDefinition<unknown>>>(
    definitions: D,
  ): AnnotationValues<D> {
    // Every name is set, to undefined when absent or invalid: copies of one
    // object share its hidden class, so the twenty reads `parseSpec` makes
    // of each stay monomorphic. Keys set only when present gave one hidden
    // class per combination of annotations, and each read a megamorphic
    // lookup.
    const { entries, blank } = layoutOf(definitions);
    const values: Record<string, unknown> = { ...blank };
    for (const [name, definition] of entries)
      values[name] = this.read(definition);
    return values as AnnotationValues<D>;
  }

  /** The parsed value, or undefined when absent or invalid (invalid adds a finding). */
  read<T>(definition: AnnotationDefinition<T>): T | undefined {
    const { key, secret = false } = definition;
    if (!this.has(key)) return undefined;
    const raw = this.annotations[key];
    if (typeof raw !== 'string') {
      this.invalid(
        definition,
        JSON.stringify(raw) ?? String(raw),
        'annotation values must be strings (quote the value in YAML)',
      );
      return undefined;
    }
    const result = parseAnnotationValue(definition.schema, raw, {
      remember: !secret,
    });
    if (!result.success) {
      this.invalid(
        definition,
        raw,
        result.error.issues[0]?.message ?? 'is invalid',
      );
      return undefined;
    }
    if (key.startsWith(REDLINE_ANNOTATION_PREFIX)) this.described.push(key);
    return result.data;
  }

  invalid(
    definition: AnnotationDefinition<unknown>,
    raw: string,
    problem: string,
  ): void {
    // A secret's value is never repeated, not even a broken one.
    const value = definition.secret ? '<redacted>' : shown(raw);
    this.findings.push({
      id: 'annotation.invalid',
      severity: 'error',
      annotation: definition.key,
      value,
      expected: definition.expected,
      message: `${definition.key} ${JSON.stringify(value)} ${problem}. Using ${
        definition.fallback
      } instead.`,
      fix: this.fixFor(definition),
    });
  }

  /** A value that parsed but conflicts with configuration: reported like any other invalid value. */
  reject<T>(definition: AnnotationDefinition<T>, problem: string): void {
    const index = this.described.indexOf(definition.key);
    if (index >= 0) this.described.splice(index, 1);
    const raw = this.annotations[definition.key];
    this.invalid(
      definition,
      typeof raw === 'string' ? raw : String(raw),
      problem,
    );
  }
}

/**
 * The service a fix snippet names before the spec is read: the entity's
 * name when it is label-safe, else a placeholder the user must replace (a
 * snippet naming another service would be pasted as it is).
 */
function snippetServiceName(metadata: Partial<Entity['metadata']>): string {
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  return SAFE_LABEL_VALUE.test(name) ? name : 'your-service';
}

function sourced<T>(
  value: T | undefined,
  fallback: T,
  annotation: string,
): Sourced<T> {
  return value === undefined
    ? { value: fallback, source: 'default' }
    : { value, source: 'annotation', annotation };
}

/**
 * The entity's `spec.owner` as a full entity ref (a bare name is a Group in
 * the entity's namespace), or undefined when it is missing or not a valid
 * ref. What a batch looks up before describing, so it is exported.
 * @public
 */
export function ownerRefOf(entity: Entity): string | undefined {
  const raw = (entity.spec as Record<string, unknown> | undefined)?.owner;
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    const ref = parseEntityRef(raw, {
      defaultKind: 'group',
      defaultNamespace: stringField(entity.metadata?.namespace) ?? 'default',
    });
    // parseEntityRef only splits; the parts must also be valid names, as the catalog requires.
    if (
      !refValidator.isValidKind(ref.kind) ||
      !refValidator.isValidNamespace(ref.namespace) ||
      !refValidator.isValidEntityName(ref.name)
    ) {
      return undefined;
    }
    return stringifyEntityRef(ref);
  } catch {
    return undefined;
  }
}

function readOwner(
  entity: Entity,
  findings: Finding[],
): { owner: string; team: string } {
  const raw = (entity.spec as Record<string, unknown> | undefined)?.owner;
  if (raw === undefined || raw === null || raw === '') {
    findings.push({
      id: 'owner.missing',
      severity: 'info',
      message:
        'The entity has no spec.owner, so alerts cannot be routed to a team and carry team="unowned". Set the owning group.',
      expected: 'an entity ref such as group:default/payments',
      fix: ['spec:', '  owner: group:default/<your-team>'].join('\n'),
    });
    return { owner: '', team: 'unowned' };
  }
  const owner = ownerRefOf(entity);
  if (owner) return { owner, team: parseEntityRef(owner).name };
  findings.push({
    id: 'owner.invalid',
    severity: 'error',
    value: shown(typeof raw === 'string' ? raw : JSON.stringify(raw) ?? ''),
    expected: 'an entity ref such as group:default/payments or just payments',
    message: `spec.owner ${JSON.stringify(
      raw,
    )} is not a valid entity reference; alerts carry team="unowned".`,
    fix: ['spec:', '  owner: group:default/<your-team>'].join('\n'),
  });
  return { owner: '', team: 'unowned' };
}

/** Replaces characters a label value should not carry; only reached for entities that bypassed catalog validation. */
function safeLabelValue(value: string): string {
  const cleaned = value
    .replace(/[^A-Za-z0-9._:-]/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 128);
  return cleaned || 'unknown-service';
}

/** Options of {@link parseSpec}. @public */
export interface ParseOptions {
  /**
   * The `le` label values Prometheus reports for the service's
   * `<durationHistogram>_bucket` series, as returned (`"0.3"`, `"0.30"`,
   * `"+Inf"`). When any is a finite boundary they replace the configured
   * `metrics.histogramBuckets` in the spec, so latency SLOs are measured at
   * buckets the service really exposes.
   */
  observedBuckets?: readonly string[];
}

/**
 * Reads an entity into an {@link ObservabilitySpec}. Never throws: invalid
 * annotations become `annotation.invalid` findings and their defaults apply;
 * important missing metadata (SLO, runbook, owner) becomes `info` findings
 * with a YAML snippet to paste.
 *
 * Latency SLOs whose threshold is not a histogram bucket are kept as
 * declared and measured at the nearest bucket below the threshold (see
 * `./latencyBucket`), with a finding naming that bucket.
 * @public
 */
export function parseSpec(
  entity: Entity,
  config?: GeneratorConfig,
  options: ParseOptions = {},
): ParsedSpec {
  // A config that skipped resolveGeneratorConfig is checked here, where the
  // spec's metric names come from; an already resolved one adds nothing.
  const configFindings: Finding[] = [];
  const resolved = resolveGeneratorConfig(config, configFindings);
  const observed = bucketsFromLeValues(options.observedBuckets ?? []);
  // What the service really exposes beats what it is expected to expose; a
  // histogram not scraped yet has no `le` values, and the configured list is
  // the best guess until it is.
  const bucketSource = observed.length > 0 ? 'observed' : 'config';
  const metrics =
    bucketSource === 'observed'
      ? { ...resolved.metrics, histogramBuckets: observed }
      : resolved.metrics;

  const metadata = (entity?.metadata ?? {}) as Partial<Entity['metadata']>;
  const rawAnnotations = metadata.annotations;
  const annotations: Record<string, unknown> =
    rawAnnotations && typeof rawAnnotations === 'object' ? rawAnnotations : {};
  const reader = new AnnotationReader(
    annotations,
    snippetServiceName(metadata),
  );
  const findings = reader.findings;
  findings.push(...configFindings);
  const defs = ANNOTATION_DEFINITIONS;

  const kind = stringField(entity?.kind) ?? 'Component';
  const namespace = stringField(metadata.namespace) ?? 'default';
  const name = stringField(metadata.name) ?? 'unknown';
  let entityRef: string;
  try {
    entityRef = stringifyEntityRef({ kind, namespace, name });
  } catch {
    entityRef = `${kind.toLocaleLowerCase('en-US')}:${namespace}/${name}`;
  }

  for (const key of Object.keys(annotations)) {
    if (!key.startsWith(REDLINE_ANNOTATION_PREFIX)) continue;
    if (KNOWN_REDLINE_KEYS.has(key)) continue;
    const suggestion = nearestKnownKey(key);
    findings.push({
      id: 'annotation.unknown',
      severity: 'warning',
      annotation: key,
      value: shown(String(annotations[key])),
      message: `${key} is not a Redline annotation and is ignored.${
        suggestion ? ` Did you mean ${suggestion}?` : ''
      }`,
      expected:
        suggestion ??
        'one of the redline.dev/* annotations listed in the annotation reference',
      ...(suggestion
        ? { fix: annotationSnippet([[suggestion, String(annotations[key])]]) }
        : {}),
    });
  }

  // Service name: redline.dev/service-name, then prometheus.io/service-name, then metadata.name.
  const values = reader.readAll(defs);
  const ownName = values.serviceName;
  const promName = values.prometheusServiceName;
  let serviceName: Sourced<string>;
  if (ownName !== undefined)
    serviceName = {
      value: ownName,
      source: 'annotation',
      annotation: defs.serviceName.key,
    };
  else if (promName !== undefined)
    serviceName = {
      value: promName,
      source: 'annotation',
      annotation: defs.prometheusServiceName.key,
    };
  else {
    const safe = safeLabelValue(name);
    if (safe !== name) {
      findings.push({
        id: 'entity.name-unsafe',
        severity: 'warning',
        value: shown(name),
        expected: 'a label-safe service name',
        message: `metadata.name ${JSON.stringify(
          shown(name),
        )} is not a safe label value; using "${safe}" as the service name.`,
        fix: annotationSnippet([[defs.serviceName.key, safe]]),
      });
    }
    serviceName = { value: safe, source: 'default' };
  }

  // Selector: validated matchers, else `<serviceLabel>="<service>"`.
  let matchers = values.metricsSelector;
  if (matchers) {
    const reserved = new Set(['le', metrics.statusLabel]);
    const clash = matchers.find((m: LabelMatcher) => reserved.has(m.name));
    if (clash) {
      reader.reject(
        defs.metricsSelector,
        `must not filter on "${clash.name}": Redline adds that label itself (histogram buckets / error status)`,
      );
      matchers = undefined;
    }
  }
  const selector: Sourced<string> = matchers
    ? {
        value: canonicalLabelMatchers(matchers),
        source: 'annotation',
        annotation: defs.metricsSelector.key,
      }
    : {
        value: canonicalLabelMatchers([
          { name: metrics.serviceLabel, op: '=', value: serviceName.value },
        ]),
        source:
          metrics.serviceLabel === DEFAULT_METRIC_NAMES.serviceLabel
            ? 'default'
            : 'config',
      };

  const rateDrop = values.rateDropThreshold;
  const trafficDropMinRate = values.trafficDropMinRate;
  const errorRate = values.errorRateThreshold;
  const latencyP99 = values.latencyP99Threshold;
  const buckets = metrics.histogramBuckets.filter(
    b => Number.isFinite(b) && b > 0,
  );
  const largestBucket = buckets.length ? Math.max(...buckets) : undefined;
  if (
    latencyP99 !== undefined &&
    largestBucket !== undefined &&
    latencyP99 / 1000 >= largestBucket
  ) {
    findings.push({
      id: 'threshold.latency-above-buckets',
      severity: 'warning',
      annotation: defs.latencyP99Threshold.key,
      value: String(annotations[defs.latencyP99Threshold.key]),
      expected: `below the largest histogram bucket (${formatDuration(
        largestBucket,
      )})`,
      message: `histogram_quantile never reports more than the largest finite bucket (${formatDuration(
        largestBucket,
      )}), so a P99 threshold of ${latencyP99} ms can never fire.`,
      fix: annotationSnippet([
        [defs.latencyP99Threshold.key, formatDuration(largestBucket / 2)],
      ]),
    });
  }

  // One window for every SLO of the entity: the budget policy a team
  // reviews is the service's, and two windows would need two sets of
  // recorded period ratios for one dashboard.
  const window = values.sloWindow ?? DEFAULT_SLO_WINDOW;
  const windowDays =
    window === DEFAULT_SLO_WINDOW ? SLO_WINDOW_DAYS : sloWindowDays(window);

  const slos: SloSpec[] = [];
  const availability = values.sloAvailability;
  if (availability !== undefined) {
    slos.push({
      slo: 'availability',
      objectivePercent: availability,
      windowDays,
      window,
      annotation: defs.sloAvailability.key,
    });
  }
  const latencySlo = values.sloLatency;
  if (latencySlo !== undefined) {
    const latency: SloSpec = {
      slo: 'latency',
      objectivePercent: latencySlo.objectivePercent,
      thresholdSeconds: latencySlo.thresholdSeconds,
      windowDays,
      window,
      annotation: defs.sloLatency.key,
    };
    slos.push(latency);
    const bucketFinding = latencyBucketFinding(latency, metrics, bucketSource);
    if (bucketFinding) {
      findings.push({
        ...bucketFinding,
        value: String(annotations[defs.sloLatency.key]),
      });
    }
  }

  const openSlo = readOpenSloAnnotation(annotations, {
    metrics,
    selector: selector.value,
    serviceName: serviceName.value,
    bucketSource,
  });
  if (openSlo) {
    findings.push(...openSlo.findings);
    if (openSlo.slos) {
      if (slos.length > 0 || reader.has(defs.sloWindow.key)) {
        findings.push({
          id: 'openslo.conflict',
          severity: 'warning',
          annotation: ANNOTATIONS.openSlo,
          message: `${ANNOTATIONS.openSlo} declares the SLOs, so ${defs.sloAvailability.key}, ${defs.sloLatency.key} and ${defs.sloWindow.key} are ignored; remove them.`,
        });
      }
      slos.splice(0, slos.length, ...openSlo.slos);
      reader.described.push(ANNOTATIONS.openSlo);
    }
  }

  const tier = values.tier;
  const runbookUrl = values.runbookUrl;
  const dashboardUrl = values.dashboardUrl;
  const logQueryUrl = values.logQueryUrl;
  const traceUrl = values.traceUrl;
  const logSelector = values.logSelector;
  const slackChannel = values.slackChannel;
  const webhookUrl = values.alertWebhook;
  const prometheusInstance = values.prometheusInstance;
  const alertmanagerInstance = values.alertmanagerInstance;
  const ruleTarget = values.ruleTarget;
  const hasIntegrationKey = values.pagerdutyIntegrationKey === true;
  const pagerdutyServiceId = values.pagerdutyServiceId;
  const opsgenieTeam = values.opsgenieTeam;

  if (
    !reader.has(defs.sloAvailability.key) &&
    !reader.has(defs.sloLatency.key) &&
    !reader.has(ANNOTATIONS.openSlo)
  ) {
    findings.push({
      id: 'annotation.missing',
      severity: 'info',
      annotation: defs.sloAvailability.key,
      expected: defs.sloAvailability.expected,
      message:
        'No SLO is declared, so no error-budget alerts can be generated. Declare an availability SLO and, for latency-sensitive services, a latency SLO.',
      fix: reader.fixFor(defs.sloAvailability, defs.sloLatency),
    });
  }
  if (!reader.has(defs.runbookUrl.key)) {
    findings.push({
      id: 'annotation.missing',
      severity: 'info',
      annotation: defs.runbookUrl.key,
      expected: defs.runbookUrl.expected,
      message:
        "No runbook-url: alerts will link to the runbook Redline generates on the Observability tab. Link the team's own runbook once it exists.",
      fix: reader.fixFor(defs.runbookUrl),
    });
  }

  const { owner, team } = readOwner(entity, findings);
  const spec = (entity?.spec ?? {}) as Record<string, unknown>;
  const routing: ObservabilitySpec['routing'] = {};
  if (hasIntegrationKey || pagerdutyServiceId !== undefined) {
    routing.pagerduty = {
      hasIntegrationKey,
      ...(pagerdutyServiceId !== undefined
        ? { serviceId: pagerdutyServiceId }
        : {}),
    };
  }
  if (opsgenieTeam !== undefined) routing.opsgenie = { team: opsgenieTeam };
  if (slackChannel !== undefined) routing.slackChannel = slackChannel;
  if (webhookUrl !== undefined) routing.webhookUrl = webhookUrl;

  const links: ObservabilitySpec['links'] = {};
  if (runbookUrl !== undefined) links.runbookUrl = runbookUrl;
  if (dashboardUrl !== undefined) links.dashboardUrl = dashboardUrl;
  if (logQueryUrl !== undefined) links.logQueryUrl = logQueryUrl;
  if (traceUrl !== undefined) links.traceUrl = traceUrl;
  if (logSelector !== undefined) links.logSelector = logSelector;

  const title = stringField(metadata.title);
  const system = stringField(spec.system);
  const lifecycle = stringField(spec.lifecycle);
  const described = REDLINE_KEYS.filter(key => reader.described.includes(key));

  const role = entityRole(
    { kind, spec: entity?.spec },
    resolved.servingComponentTypes,
  );
  if (!role.servesRequests && role.componentType) {
    const adjusted = notServingRequests(role.componentType, findings, slos);
    findings.splice(0, findings.length, ...adjusted.findings);
    slos.splice(0, slos.length);
  }

  const result: ObservabilitySpec = {
    entityRef,
    kind,
    namespace,
    name,
    ...(title ? { title } : {}),
    owner,
    team,
    ...(system ? { system } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    ...(tier ? { tier } : {}),
    serviceName,
    selector,
    thresholds: {
      rateDropPercent: sourced(
        rateDrop,
        DEFAULT_RED_THRESHOLDS.rateDropPercent,
        defs.rateDropThreshold.key,
      ),
      errorRatePercent: sourced(
        errorRate,
        DEFAULT_RED_THRESHOLDS.errorRatePercent,
        defs.errorRateThreshold.key,
      ),
      latencyP99Ms: sourced(
        latencyP99,
        DEFAULT_RED_THRESHOLDS.latencyP99Ms,
        defs.latencyP99Threshold.key,
      ),
      ...(trafficDropMinRate !== undefined
        ? {
            trafficDropMinRate: {
              value: trafficDropMinRate,
              source: 'annotation' as const,
              annotation: defs.trafficDropMinRate.key,
            },
          }
        : {}),
    },
    slos,
    links,
    routing,
    metrics,
    ...(prometheusInstance ? { prometheusInstance } : {}),
    ...(alertmanagerInstance ? { alertmanagerInstance } : {}),
    ...(ruleTarget ? { ruleTarget } : {}),
    describedAnnotations: described,
    presentAnnotations: Object.keys(annotations).filter(
      isObservabilityAnnotation,
    ),
    ...(role.componentType ? { componentType: role.componentType } : {}),
    servesRequests: role.servesRequests,
  };
  return { spec: result, findings };
}
