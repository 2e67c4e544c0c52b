import type { LintFinding, LintLocation, LintRuleInfo } from './types';

/**
 * Every lint rule Redline knows, with the severity it always reports at.
 * Ids are stable: the CLI's JSON output, the backend checks and the tab key on
 * them. Severities follow one principle: `error` means the rule is broken
 * (Prometheus rejects it, or its result is always empty); `warning` means it
 * works but goes against the seed's alerting practice; `info` is advice.
 * @public
 */
export const LINT_RULES = [
  {
    id: 'rules/yaml-syntax',
    severity: 'error',
    title: 'YAML syntax error',
    description:
      'The rule file is not valid YAML, so Prometheus cannot load it.',
  },
  {
    id: 'rules/invalid-structure',
    severity: 'error',
    title: 'Invalid rule file structure',
    description:
      'The file is YAML but not a Prometheus rule file: missing `groups`, a rule without `expr`, an unknown field, a repeated group name or a `for` that is not a duration. Prometheus refuses such files.',
  },
  {
    id: 'promql/syntax',
    severity: 'error',
    title: 'PromQL syntax error',
    description:
      'The expression does not parse, calls an unknown function, or passes the wrong kind of vector (e.g. `rate()` without a `[5m]` range). The finding gives the position inside the expression.',
  },
  {
    id: 'alert/missing-for',
    severity: 'warning',
    title: 'Alert without `for`',
    description:
      'Without `for`, one bad evaluation pages someone. The seed alerts only after the condition holds for 5 minutes.',
  },
  {
    id: 'alert/missing-severity',
    severity: 'warning',
    title: 'Alert without `severity` label',
    description:
      'Alertmanager routes on `severity` (critical pages, warning opens a ticket); without it the alert falls to the default route.',
  },
  {
    id: 'alert/missing-summary',
    severity: 'warning',
    title: 'Alert without `summary` annotation',
    description:
      'The summary is the one line the on-call engineer reads first.',
  },
  {
    id: 'alert/missing-description',
    severity: 'info',
    title: 'Alert without `description` annotation',
    description:
      'The description carries the current value and context, e.g. `Error rate is {{ $value | humanizePercentage }}` as in the seed.',
  },
  {
    id: 'alert/missing-runbook-url',
    severity: 'warning',
    title: 'Alert without runbook link',
    description:
      'Every alert should link the runbook that says what to do; Redline generates one per alert.',
  },
  {
    id: 'alert/runbook-annotation-name',
    severity: 'info',
    title: '`runbook` annotation instead of `runbook_url`',
    description:
      'The seed names the annotation `runbook`; Alertmanager integrations, Grafana and the Prometheus community mixins look for `runbook_url`.',
  },
  {
    id: 'alert/runbook-url-not-http',
    severity: 'warning',
    title: 'Runbook link is not an http(s) URL',
    description:
      'A runbook link must open in a browser from a page or a chat message.',
  },
  {
    id: 'alert/cause-not-symptom',
    severity: 'warning',
    title: 'Paging on a cause, not a symptom',
    description:
      'A critical alert on CPU, memory, disk, exception or restart counts pages for something users may not feel. The seed: alert on symptoms (error rate > 1 %, P99 latency > 500 ms, availability < 99.9 %), not causes.',
  },
  {
    id: 'promql/counter-without-rate',
    severity: 'warning',
    title: 'Counter used without rate()',
    description:
      'A counter (`_total`, `_count`, `_sum`, `_bucket`) only ever grows and resets on restart; its raw value says nothing about now. Wrap it in `rate()` or `increase()`.',
  },
  {
    id: 'promql/rate-on-gauge',
    severity: 'warning',
    title: 'rate() on a gauge',
    description:
      '`rate`, `irate` and `increase` treat every decrease as a counter reset, so on a gauge they return nonsense. Use `deriv()` or `delta()`, or the gauge itself.',
  },
  {
    id: 'promql/histogram-quantile-drops-le',
    severity: 'error',
    title: 'histogram_quantile() without the `le` label',
    description:
      'Classic histograms need the `le` bucket label: an aggregation that drops it makes `histogram_quantile` return nothing, so the alert can never fire.',
  },
  {
    id: 'promql/high-cardinality-label',
    severity: 'warning',
    title: 'High-cardinality label kept in an aggregation',
    description:
      'Grouping by user, request, trace or session ids, client addresses or raw paths/URLs creates one series per value (the seed: reduce labels, use histograms).',
  },
  {
    id: 'promql/division-by-zero',
    severity: 'info',
    title: 'Ratio whose denominator can be zero',
    description:
      'When the denominator (a rate of requests, say) is 0 the ratio is NaN: the alert cannot fire and recording rules store NaN while there is no traffic. Guard it, and make sure a traffic-drop alert covers the silent case.',
  },
  {
    id: 'rules/duplicate-alert-name',
    severity: 'warning',
    title: 'Same alert name, different expressions',
    description:
      'Two alerts share a name and their labels but compute different things; silences, inhibitions and dashboards keyed on the name then hit both.',
  },
] as const satisfies readonly LintRuleInfo[];

/** Id of a rule in {@link LINT_RULES}. @public */
export type LintRuleId = (typeof LINT_RULES)[number]['id'];

const SEVERITY_BY_ID = new Map<string, LintRuleInfo['severity']>(
  LINT_RULES.map(rule => [rule.id, rule.severity]),
);

/** Builds a finding whose severity always comes from the catalogue. */
export function makeFinding(
  ruleId: LintRuleId,
  message: string,
  fix: string,
  location: LintLocation,
): LintFinding {
  return {
    ruleId,
    severity: SEVERITY_BY_ID.get(ruleId)!,
    message,
    fix,
    location,
  };
}
