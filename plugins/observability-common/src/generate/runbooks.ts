/**
 * One Markdown runbook per alert name: Meaning, Impact, Diagnosis (the seed's
 * debug checklist and decision tree, filled with this service's dashboard,
 * log search by correlation ID and trace search), Mitigation, Escalation.
 * Every piece of catalog text goes through the escaping in `./markdown`.
 */
import type { GeneratorConfig } from '../spec/config';
import { formatDuration, leLabel } from '../spec/latencyBucket';
import { isDefaultSloWindow, sloWindowText } from '../spec/sloWindow';
import type { ObservabilitySpec } from '../spec/types';
import { formatNumber, sanitizeText } from './escape';
import { defineLazy } from './lazyProperty';
import { dashboardUrlFor } from './links';
import { ruleContextFor } from './ruleContextCache';
import type { GeneratedAlert, Runbook } from './types';
import { validSlos, type ValidSlo } from './validSlos';
import {
  escapeMarkdown,
  fillUrlTemplate,
  markdownCode,
  markdownFence,
  markdownLink,
} from './markdown';

interface AlertGuide {
  meaning: string;
  impact: string;
  mitigation: string[];
}

/** Per-alert knowledge; symptoms, not causes, as the seed asks. */
const GUIDES: Record<string, AlertGuide> = {
  HighErrorRate: {
    meaning:
      'More than the allowed share of requests failed with a 5xx status over the last 5 minutes, for at least 5 minutes.',
    impact:
      'Users see failed requests right now; every minute spends error budget.',
    mitigation: [
      'If a deployment started shortly before the alert, roll it back first and investigate afterwards.',
      'If one dependency fails (database, downstream service), fail over or shed the traffic that needs it.',
      'If errors come from one instance or zone, drain it.',
      'Scale out when errors are timeouts under load.',
    ],
  },
  HighLatencyP99: {
    meaning:
      'The slowest 1 % of requests took longer than the latency threshold over the last 5 minutes, for at least 5 minutes.',
    impact:
      'Some users wait too long; timeouts upstream may turn slowness into errors.',
    mitigation: [
      'Roll back a recent deployment if latency rose right after it.',
      'Scale out if saturation (CPU, connection pools, queue depth) is high.',
      'Find the slow span in a trace; shed or cache the slow dependency.',
    ],
  },
  TrafficDrop: {
    meaning:
      'For at least 10 minutes, the request rate stayed below the allowed share of its usual rate at this time: the median of the same 5 minutes one, two and three weeks earlier (the previous three days for a service younger than a week). Only when that usual rate exceeds the minimum (`redline.dev/traffic-drop-min-rate`, default 0.1 requests/s).',
    impact:
      'Requests may not be reaching the service at all: routing, DNS, a client release or an upstream outage.',
    mitigation: [
      'Check load balancer, ingress and DNS changes; revert them if they coincide.',
      'Ask the callers (upstream services, client apps) whether they changed or fail before calling.',
      'If the drop is expected (holiday, migration), silence the alert with a reason and an end time.',
    ],
  },
  SLOErrorBudgetBurn: {
    meaning:
      'The service is spending its error budget faster than the objective allows, measured over a long and a short window (multi-window, multi-burn-rate). The `burn_window` label says how fast: `fast` and `medium` page, `slow` and `long` open a ticket.',
    impact:
      'At this burn rate the SLO will be missed before the compliance window ends; `fast` means the monthly budget is gone within about two days.',
    mitigation: [
      'Treat `fast`/`medium` like an outage: roll back or fail over first.',
      'For `slow`/`long`, plan the fix in working hours and consider freezing risky releases until the budget recovers.',
    ],
  },
  SLOErrorBudgetExhausted: {
    meaning:
      "The SLI's error ratio over the whole compliance window has reached the error budget (1 − objective): the budget is spent and the objective is missed for this window. Nothing need be failing right now; the errors that spent it may be days old.",
    impact:
      'Users have already had all the unreliability the objective allows; any further failure in this window widens the miss. The alert resolves once enough old errors leave the window (a rolling window), or when the next calendar month or week starts (a calendar window; its alert reads the trailing month or week, so it may resolve a little earlier or later than the calendar budget).',
    mitigation: [
      "Apply the team's error-budget policy: freeze risky releases and feature rollouts until the budget is positive again.",
      'Find what spent the budget: the burn-rate alerts and incidents of this SLO over the window, and the error ratio on the dashboard.',
      'Put reliability work first (the fix for the incident, missing tests, rollback automation) before new features.',
      'If the objective is missed window after window, revisit it with the service owners and its users, rather than silencing this alert.',
    ],
  },
  SLOMetricAbsent: {
    meaning:
      'The metrics the SLO is computed from have disappeared, so the SLO cannot be evaluated.',
    impact:
      'The service may be down, or its instrumentation or scraping broke; error-budget alerts are blind meanwhile.',
    mitigation: [
      'Check that the service is running and its targets are up in Prometheus.',
      'Check scrape configuration and relabelling changes.',
      'Use the log-based fallback alert and the logs pillar until metrics return (seed: metric collection failure → fall back to logs).',
    ],
  },
  LogErrorRateFallback: {
    meaning:
      'The share of error-level log lines exceeds the error-rate threshold. This is the log-based fallback for when metrics are missing.',
    impact:
      'Users are likely seeing failures; metrics may be unavailable, so other alerts may stay silent.',
    mitigation: [
      'Open the logs, group the errors by message and find the dominant one.',
      'Restore metric collection; then confirm with the metric-based alerts.',
    ],
  },
};

const FALLBACK_GUIDE: AlertGuide = {
  meaning: 'A condition defined for this service crossed its threshold.',
  impact: 'See the alert description for what users experience.',
  mitigation: [
    'Follow the diagnosis below; roll back recent changes if they coincide.',
  ],
};

/**
 * The burn runbook's impact names the window. Every window's fast tier
 * spends 2 % of its budget per hour (see `./sloRules`), so "about two days"
 * holds for all of them; only "monthly" is the 30-day wording, kept there.
 */
function impactOf(
  name: string,
  guide: AlertGuide,
  slos: readonly ValidSlo[],
): string {
  const v = slos[0];
  if (
    name !== 'SLOErrorBudgetBurn' ||
    !v ||
    isDefaultSloWindow(v.slo.window, v.windowDays)
  )
    return guide.impact;
  return guide.impact.replace(
    'the monthly budget',
    `the budget of ${escapeMarkdown(
      sloWindowText(v.slo.window, v.windowDays),
    )}`,
  );
}

/**
 * The entity's page in the portal, segments as Backstage's `entityRouteParams`
 * builds them (namespace and kind lower-cased, each URI-encoded).
 * @public
 */
export function entityPageUrl(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): string {
  const parts = [
    (spec.namespace || 'default').toLowerCase(),
    (spec.kind || 'component').toLowerCase(),
    spec.name,
  ].map(segment => encodeURIComponent(sanitizeText(segment)));
  return `${config.portalBaseUrl.replace(/\/+$/, '')}/catalog/${parts.join(
    '/',
  )}`;
}

function section(title: string, body: string[]): string {
  return [`## ${title}`, '', ...body, ''].join('\n');
}

/**
 * One row per variant of the alert. Its Labels column shows only what tells
 * variants apart: service and team are the same on every alert of the
 * service, and severity has a column of its own.
 */
function alertTable(alerts: GeneratedAlert[], serviceLabel: string): string[] {
  const shared = [serviceLabel, 'team', 'severity'];
  const rows = alerts.map(a => {
    const labels = Object.entries(a.labels)
      .filter(([k]) => !shared.includes(k))
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    return `| ${escapeMarkdown(a.severity)} | ${escapeMarkdown(
      a.for ?? '—',
    )} | ${labels ? escapeMarkdown(labels) : '—'} | ${escapeMarkdown(
      a.annotations.summary ?? '',
    )} |`;
  });
  return [
    '| Severity | For | Labels | Summary |',
    '|---|---|---|---|',
    ...rows,
  ];
}

/** One line per SLO the alerts are about, naming the bucket a latency SLO is measured at. */
function sloMeasurements(
  slos: readonly ValidSlo[],
  alerts: GeneratedAlert[],
  histogram: string,
): string[] {
  const named = new Set(alerts.map(a => a.labels.slo));
  const lines = slos
    .filter(v => named.has(v.slo.slo))
    .map(v => {
      const objective = `${formatNumber(v.slo.objectivePercent)} % of requests`;
      const head = `- ${markdownCode(v.slo.slo)}: ${objective}`;
      const over = escapeMarkdown(sloWindowText(v.slo.window, v.windowDays));
      if (!v.bucket) return `${head} answered without a 5xx, over ${over}.`;
      const counted = `${head} within ${formatDuration(
        v.bucket.le,
      )} over ${over}, counted at the ${markdownCode(
        leLabel(v.bucket.le),
      )} bucket of ${markdownCode(histogram)}.`;
      return v.bucket.exact
        ? counted
        : `${counted} The declared threshold, ${formatDuration(
            v.slo.thresholdSeconds!,
          )}, is not a bucket: the nearest bucket below it is used, which is stricter than declared.`;
    });
  return lines.length ? ['How the SLO is measured:', '', ...lines, ''] : [];
}

/** The checklist and decision tree: the same in every runbook of a service. */
function diagnosisGuide(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): string[] {
  const service = spec.serviceName.value;
  const dashboardUrl = dashboardUrlFor(spec, config);
  const logUrl = spec.links.logQueryUrl
    ? fillUrlTemplate(spec.links.logQueryUrl, { service })
    : undefined;
  const traceUrl = spec.links.traceUrl
    ? fillUrlTemplate(spec.links.traceUrl, { service })
    : undefined;
  let logSearch: string;
  if (logUrl) {
    logSearch = `${markdownLink(
      'log search',
      logUrl,
    )} (replace \`{correlation_id}\` with the request's correlation ID)`;
  } else if (spec.links.logSelector) {
    logSearch = `LogQL ${markdownCode(
      `${spec.links.logSelector} |= "<correlation-id>"`,
    )}`;
  } else {
    logSearch = `your log aggregator, filtered on service ${markdownCode(
      service,
    )} (no log link is declared: add \`redline.dev/log-query-url\`)`;
  }
  const traceSearch = traceUrl
    ? `${markdownLink(
        'trace view',
        traceUrl,
      )} (replace \`{trace_id}\` with the trace ID from the log line)`
    : `your tracing UI, filtered on ${markdownCode(
        `service.name=${service}`,
      )} (no trace link is declared: add \`redline.dev/trace-url\`)`;

  const checklist = [
    `1. **Check the log aggregator: search by correlation ID** in ${logSearch}.`,
    `2. **Review the metrics dashboard: look for anomalies** on ${markdownLink(
      'the service dashboard',
      dashboardUrl,
    )} — rate, error ratio and P50/P90/P99 against their thresholds.`,
    `3. **Trace the request flow: follow the span tree** in ${traceSearch}.`,
    '4. **Correlate across pillars: match timestamps** of the first error log, the metric change and the slow or failed span.',
    `5. **Review recent changes: check deployments** of ${markdownCode(
      service,
    )} and its dependencies around the alert's start time.`,
  ];

  // A fence shows text verbatim, so a line break in a catalog name would
  // start a line of its own there (one reading "# …" looks like a heading).
  const treeService = service.replace(/[\r\n\u2028\u2029]+/g, ' ');
  const tree = markdownFence(
    [
      `Alert fired for ${treeService}`,
      '    │',
      '    ├─→ Service dashboard → anomaly?',
      `    │     ├─→ Yes → identify the affected endpoint/instance of ${treeService}`,
      '    │     └─→ No  → check logs',
      '    │',
      '    ├─→ Search logs by time / user / correlation ID',
      '    │     ├─→ Error found → analyse the stack trace',
      '    │     └─→ No error    → check traces',
      '    │',
      '    └─→ Review the distributed trace',
      '          ├─→ High-latency span → investigate that service',
      '          └─→ Missing span      → check instrumentation',
    ].join('\n'),
  );

  return [
    'Debug checklist:',
    '',
    ...checklist,
    '',
    'Decision tree:',
    '',
    tree,
    '',
  ];
}

/** The alert's own expressions, each once. */
function queries(alerts: GeneratedAlert[]): string[] {
  const seen = new Set<string>();
  const lines = [
    'The alert expression (paste into Prometheus to see the current value):',
    '',
  ];
  for (const alert of alerts) {
    if (seen.has(alert.expr)) continue;
    seen.add(alert.expr);
    lines.push(markdownFence(alert.expr, 'promql'), '');
  }
  return lines;
}

function escalation(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): string[] {
  const lines = [
    `- Owning team: ${
      spec.owner
        ? markdownCode(spec.owner)
        : '**none** — add `spec.owner` to the entity'
    } (alerts carry ${markdownCode(`team=${spec.team}`)}).`,
    `- Service in the portal: ${markdownLink(
      spec.title ?? spec.name,
      entityPageUrl(spec, config),
    )}.`,
  ];
  const { routing } = spec;
  if (routing.pagerduty) {
    lines.push(
      `- On-call: PagerDuty${
        routing.pagerduty.serviceId
          ? ` service ${markdownCode(routing.pagerduty.serviceId)}`
          : ''
      } — critical alerts page through it.`,
    );
  }
  if (routing.opsgenie) {
    lines.push(
      `- On-call: Opsgenie team ${markdownCode(routing.opsgenie.team)}.`,
    );
  }
  if (routing.slackChannel) {
    lines.push(
      `- Team channel: Slack ${markdownCode(
        `#${routing.slackChannel.replace(/^#/, '')}`,
      )}.`,
    );
  }
  if (!routing.pagerduty && !routing.opsgenie) {
    lines.push(
      '- No pager is declared for this team: escalate to the team lead directly and add `pagerduty.com/integration-key` or `opsgenie.com/team`.',
    );
  }
  if (spec.system)
    lines.push(
      `- If the team cannot be reached, escalate to the owners of system ${markdownCode(
        spec.system,
      )}.`,
    );
  return lines;
}

/**
 * Builds one runbook per alert name (alerts sharing a name, such as the burn
 * windows of `SLOErrorBudgetBurn`, share a runbook that lists every variant).
 * `alert`, `title` and `path` are plain values; `markdown` is written on its
 * first read and kept: the tab's listing, the checks and a coverage run never
 * read it, and writing every runbook of every entity was about a quarter of
 * the describe step.
 * @public
 */
export function generateRunbooks(
  spec: ObservabilitySpec,
  alerts: GeneratedAlert[],
  config: GeneratorConfig,
): Runbook[] {
  const byPath = new Map<string, GeneratedAlert[]>();
  for (const alert of alerts) {
    const group = byPath.get(alert.runbookPath);
    if (group) group.push(alert);
    else byPath.set(alert.runbookPath, [alert]);
  }
  const service = spec.serviceName.value;
  // Shared by every runbook of the service: built once, when the first
  // runbook's Markdown is read.
  let shared:
    | { guideLines: string[]; escalationSection: string; intro: string }
    | undefined;
  const sharedParts = () =>
    (shared ??= {
      guideLines: diagnosisGuide(spec, config),
      escalationSection: section('Escalation', escalation(spec, config)),
      intro: `Generated by Redline for ${markdownCode(
        spec.entityRef,
      )}. Edit the entity's annotations, not this file.`,
    });
  return [...byPath.entries()].map(([path, group]): Runbook => {
    const name = group[0].name;
    const title = `${name} — ${service}`;
    const write = (): string => {
      const guide = GUIDES[name] ?? FALLBACK_GUIDE;
      const { guideLines, escalationSection, intro } = sharedParts();
      const slos = validSlos(ruleContextFor(spec, config)).slos;
      return [
        `# ${escapeMarkdown(title)}`,
        '',
        intro,
        '',
        section('Meaning', [
          guide.meaning,
          '',
          ...sloMeasurements(slos, group, spec.metrics.durationHistogram),
          ...alertTable(group, spec.metrics.serviceLabel),
        ]),
        section('Impact', [impactOf(name, guide, slos)]),
        section('Diagnosis', [...guideLines, ...queries(group)]),
        section(
          'Mitigation',
          guide.mitigation.map(m => `- ${m}`),
        ),
        escalationSection,
      ].join('\n');
    };
    // Own and enumerable, so spreading or JSON.stringify still carry the text.
    return defineLazy({ alert: name, title, path }, 'markdown', write);
  });
}
