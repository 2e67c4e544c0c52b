/**
 * Static checks on the entity's observability metadata: one check per
 * annotation that matters, so a team sees exactly which line of its
 * `catalog-info.yaml` to add or correct.
 */
import { defineLazy } from '../generate/lazyProperty';
import { ANNOTATIONS } from '../spec/annotations';
import type { Finding, ObservabilitySpec } from '../spec/types';
import { annotationSnippet } from './fixSnippets';
import type { CheckResult, CheckStatus } from './types';

/** What an absent annotation means for the check. */
type WhenMissing =
  /** The product works less well without it (no SLO, no tier, no log fallback). */
  | 'warn'
  /** A sensible default applies (seed thresholds, `service="<name>"`). */
  | 'pass'
  /** Only relevant when set (routing targets, instance choice). */
  | 'skip';

interface AnnotationPolicy {
  id: string;
  title: string;
  annotations: string[];
  whenMissing: WhenMissing;
  /** Why it matters when missing (also used for `pass` with defaults). */
  missing: (spec: ObservabilitySpec) => string;
  /** Example values for the fix snippet. */
  example: (spec: ObservabilitySpec) => Record<string, string>;
  /** Whether it is set, for checks that span more than one annotation. */
  isSet?: (spec: ObservabilitySpec) => boolean;
}

const A = ANNOTATIONS;

const POLICIES: AnnotationPolicy[] = [
  {
    id: 'metadata.service-name',
    title: 'Service name',
    annotations: [A.serviceName],
    whenMissing: 'pass',
    missing: spec =>
      `Using "${spec.serviceName.value}" (${
        spec.serviceName.annotation
          ? `from ${spec.serviceName.annotation}`
          : 'the entity name'
      }).`,
    example: spec => ({ [A.serviceName]: spec.serviceName.value }),
  },
  {
    id: 'metadata.slo',
    title: 'Service-level objective',
    annotations: [A.sloAvailability, A.sloLatency],
    whenMissing: 'warn',
    isSet: spec => spec.slos.length > 0,
    missing: () =>
      'No SLO declared: only the fixed RED thresholds alert, with no error budget or burn-rate alerts.',
    example: () => ({
      [A.sloAvailability]: '99.9',
      [A.sloLatency]: '99% < 300ms',
    }),
  },
  {
    id: 'metadata.runbook-url',
    title: 'Runbook link',
    annotations: [A.runbookUrl],
    whenMissing: 'warn',
    missing: () =>
      "No runbook of the team's own: alerts link to the runbooks Redline generates.",
    example: spec => ({
      [A.runbookUrl]: `https://runbooks.example.com/${spec.serviceName.value}`,
    }),
  },
  {
    id: 'metadata.tier',
    title: 'Tier',
    annotations: [A.tier],
    whenMissing: 'warn',
    missing: () =>
      'No tier: coverage cannot be weighed by criticality and paging policy cannot follow it.',
    example: () => ({ [A.tier]: 'tier-1' }),
  },
  {
    id: 'metadata.dashboard-url',
    title: 'Dashboard link',
    annotations: [A.dashboardUrl],
    whenMissing: 'pass',
    // Without the annotation, `dashboard_url` points at the portal tab, not
    // at Grafana: the generated dashboard exists only once someone imports it.
    missing: () =>
      "Alerts link to the entity's Observability tab in the portal. Import the generated Grafana dashboard (grafana-dashboard.json) and set this annotation to link alerts to it.",
    example: spec => ({
      [A.dashboardUrl]: `https://grafana.example.com/d/redline-${spec.serviceName.value}`,
    }),
  },
  {
    id: 'metadata.log-query-url',
    title: 'Log search link',
    annotations: [A.logQueryUrl],
    whenMissing: 'warn',
    missing: () =>
      'No log search template: runbooks cannot link a search by correlation ID (debug checklist step 1).',
    example: () => ({
      [A.logQueryUrl]:
        'https://logs.example.com/search?q=service%3D{service}%20correlation_id%3D{correlation_id}',
    }),
  },
  {
    id: 'metadata.trace-url',
    title: 'Trace search link',
    annotations: [A.traceUrl],
    whenMissing: 'warn',
    missing: () =>
      'No trace search template: runbooks cannot link the request flow (debug checklist step 3).',
    example: () => ({
      [A.traceUrl]:
        'https://traces.example.com/trace/{trace_id}?service={service}',
    }),
  },
  {
    id: 'metadata.log-selector',
    title: 'Log-based fallback',
    annotations: [A.logSelector],
    whenMissing: 'warn',
    missing: () =>
      'No log selector: when metric collection fails there is no log-based signal to fall back to.',
    example: spec => ({ [A.logSelector]: `{app="${spec.serviceName.value}"}` }),
  },
  {
    id: 'metadata.metrics-selector',
    title: 'Metrics selector',
    annotations: [A.metricsSelector],
    whenMissing: 'pass',
    missing: spec => `Using the default selector {${spec.selector.value}}.`,
    example: spec => ({ [A.metricsSelector]: spec.selector.value }),
  },
  {
    id: 'metadata.error-rate-threshold',
    title: 'Error-rate threshold',
    annotations: [A.errorRateThreshold],
    whenMissing: 'pass',
    missing: spec =>
      `Using the seed default: error ratio > ${spec.thresholds.errorRatePercent.value} % for 5m.`,
    example: () => ({ [A.errorRateThreshold]: '1' }),
  },
  {
    id: 'metadata.latency-p99-threshold',
    title: 'P99 latency threshold',
    annotations: [A.latencyP99Threshold],
    whenMissing: 'pass',
    missing: spec =>
      `Using the seed default: P99 > ${spec.thresholds.latencyP99Ms.value} ms for 5m.`,
    example: () => ({ [A.latencyP99Threshold]: '500ms' }),
  },
  {
    id: 'metadata.rate-drop-threshold',
    title: 'Traffic-drop threshold',
    annotations: [A.rateDropThreshold],
    whenMissing: 'pass',
    missing: spec =>
      `Using the seed default: traffic drop > ${spec.thresholds.rateDropPercent.value} % below its usual rate.`,
    example: () => ({ [A.rateDropThreshold]: '50' }),
  },
  ...(
    [
      [
        'metadata.slack-channel',
        'Slack channel',
        A.slackChannel,
        'team-alerts',
      ],
      [
        'metadata.alert-webhook',
        'Alert webhook',
        A.alertWebhook,
        'https://hooks.example.com/alerts',
      ],
      [
        'metadata.prometheus-instance',
        'Prometheus instance',
        A.prometheusInstance,
        'default',
      ],
      [
        'metadata.alertmanager-instance',
        'Alertmanager instance',
        A.alertmanagerInstance,
        'default',
      ],
    ] as const
  ).map(
    ([id, title, annotation, value]): AnnotationPolicy => ({
      id,
      title,
      annotations: [annotation],
      whenMissing: 'skip',
      missing: () => `${annotation} is not set.`,
      example: () => ({ [annotation]: value }),
    }),
  ),
];

/** Never written to: shared by the policies with no finding. */
const NO_FINDINGS: Finding[] = [];

/** Every annotation some policy checks. */
const COVERED: ReadonlySet<string> = new Set(
  POLICIES.flatMap(policy => policy.annotations),
);

/** A metadata check's identity. @public */
export interface MetadataCheckRef {
  id: string;
  title: string;
}

const GENERATION: MetadataCheckRef = {
  id: 'metadata.generation',
  title: 'Generation notes',
};

/**
 * The metadata check that reports a finding, or undefined when no metadata
 * check does: informational findings, and receiver findings on keys no
 * policy covers, which the routing check explains.
 */
function metadataCheckOf(finding: Finding): MetadataCheckRef | undefined {
  if (finding.severity === 'info') return undefined;
  const annotation = finding.annotation;
  const policy = annotation
    ? POLICIES.find(p => p.annotations.includes(annotation))
    : undefined;
  if (policy) return { id: policy.id, title: policy.title };
  if (finding.id.startsWith('alertmanager.')) return undefined;
  return annotation
    ? { id: `metadata.${annotation}`, title: annotation }
    : GENERATION;
}

/**
 * The metadata checks that fail for these findings, each once, in the order
 * their first error appears: what the confidence score takes points off
 * for, so the score and the checks table count the same things.
 * @public
 */
export function failingMetadataChecks(
  findings: readonly Finding[],
): MetadataCheckRef[] {
  const failing = new Map<string, MetadataCheckRef>();
  for (const finding of findings) {
    if (finding.severity !== 'error') continue;
    const check = metadataCheckOf(finding);
    if (check && !failing.has(check.id)) failing.set(check.id, check);
  }
  return [...failing.values()];
}

function worst(findings: Finding[]): CheckStatus {
  if (findings.some(f => f.severity === 'error')) return 'fail';
  if (findings.some(f => f.severity === 'warning')) return 'warn';
  return 'pass';
}

function describeFinding(finding: Finding): string {
  const parts = [finding.message];
  if (finding.value !== undefined && !finding.message.includes(finding.value)) {
    parts.push(`(value: ${JSON.stringify(finding.value)})`);
  }
  if (finding.expected && !finding.message.includes(finding.expected)) {
    parts.push(`Expected: ${finding.expected}.`);
  }
  return parts.join(' ');
}

function fromFindings(
  id: string,
  title: string,
  relevant: Finding[],
  fallbackFix: string,
): CheckResult {
  const problems = relevant.filter(f => f.severity !== 'info');
  return {
    id,
    category: 'metadata',
    title,
    status: worst(problems),
    message: problems.map(describeFinding).join(' '),
    fix: problems.find(f => f.fix)?.fix ?? fallbackFix,
  };
}

/**
 * A passing check says only which of the policy's annotations are set, so
 * the same result serves every entity with that combination: frozen and
 * shared rather than built again for each of 10 000 entities.
 */
const passingResults = new Map<AnnotationPolicy, CheckResult[]>();

function passing(policy: AnnotationPolicy, setMask: number): CheckResult {
  let byMask = passingResults.get(policy);
  if (!byMask) passingResults.set(policy, (byMask = []));
  let result = byMask[setMask];
  if (!result) {
    const names = policy.annotations.filter((_, i) => setMask & (1 << i));
    result = byMask[setMask] = Object.freeze({
      id: policy.id,
      category: 'metadata',
      title: policy.title,
      status: 'pass',
      message: `Set by ${(names.length ? names : policy.annotations).join(
        ', ',
      )}.`,
    });
  }
  return result;
}

/**
 * One check per relevant annotation: `fail`/`warn` from a finding naming it,
 * `pass` when set and valid, and for absent ones what the policy says, each
 * with a YAML snippet that fixes it.
 * @public
 */
export function metadataChecks(
  spec: ObservabilitySpec,
  findings: Finding[],
): CheckResult[] {
  const results: CheckResult[] = [];
  // Most entities have no finding any policy covers: then no policy needs
  // to look through the findings at all.
  const anyCovered = findings.some(
    f => f.annotation && COVERED.has(f.annotation),
  );

  for (const policy of POLICIES) {
    const relevant = anyCovered
      ? findings.filter(
          f => f.annotation && policy.annotations.includes(f.annotation),
        )
      : NO_FINDINGS;
    if (relevant.some(f => f.severity !== 'info')) {
      results.push(
        fromFindings(
          policy.id,
          policy.title,
          relevant,
          annotationSnippet(policy.example(spec)),
        ),
      );
      continue;
    }
    // Which of the policy's annotations are set, one bit each (policies
    // name one or two).
    let setMask = 0;
    for (let i = 0; i < policy.annotations.length; i++) {
      if (spec.describedAnnotations.includes(policy.annotations[i]))
        setMask |= 1 << i;
    }
    if (policy.isSet ? policy.isSet(spec) : setMask !== 0) {
      results.push(passing(policy, setMask));
      continue;
    }
    if (policy.whenMissing === 'skip') continue;
    const result: CheckResult = {
      id: policy.id,
      category: 'metadata',
      title: policy.title,
      status: policy.whenMissing,
      message: policy.missing(spec),
    };
    // Written on first read: the tab shows the snippet, a coverage run only
    // counts the warning.
    results.push(
      policy.whenMissing === 'warn'
        ? defineLazy(result, 'fix', () =>
            annotationSnippet(policy.example(spec)),
          )
        : result,
    );
  }

  // Findings on annotations no policy covers (other plugins' keys such as
  // pagerduty.com/service-id) still get a check of their own.
  const others = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.annotation || COVERED.has(f.annotation) || f.severity === 'info')
      continue;
    // Receiver findings belong to the routing check, which explains them.
    if (f.id.startsWith('alertmanager.')) continue;
    others.set(f.annotation, [...(others.get(f.annotation) ?? []), f]);
  }
  for (const [annotation, list] of others) {
    results.push(
      fromFindings(
        `metadata.${annotation}`,
        annotation,
        list,
        annotationSnippet({ [annotation]: list[0].expected ?? '' }),
      ),
    );
  }

  // Findings about generation itself (an SLO tier left out, say) are not
  // about one annotation but a team must still see them.
  const general = findings.filter(
    f =>
      !f.annotation &&
      f.severity !== 'info' &&
      !f.id.startsWith('alertmanager.'),
  );
  if (general.length > 0) {
    results.push({
      ...GENERATION,
      category: 'metadata',
      status: worst(general),
      message: general.map(describeFinding).join(' '),
      fix: general.find(f => f.fix)?.fix,
    });
  }
  return results;
}
