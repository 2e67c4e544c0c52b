/**
 * The checks that apply to one rule, and the one that looks across rules
 * (duplicate alert names). Input is a normalised rule plus optional
 * positions, so rule files and live rules from Prometheus go through the
 * same code.
 */
import { DEFAULT_METRIC_NAMES } from '../spec/config';
import { isHttpUrl } from '../spec/url';
import { LintRuleId, makeFinding } from './catalogue';
import { looksLikeLogQL } from './logql';
import { CauseKind, causeKind } from './metricKinds';
import { checkExpression, isMultiWindowCondition } from './promqlChecks';
import { findSyntaxError } from './promqlSyntax';
import { findAll, metricName, parsePromql } from './promqlTree';
import type { LintFinding, LintLocation } from './types';
import type { Position } from './yamlPositions';

/** Positions of a rule's parts in its file, when it came from one. */
export interface RulePositions {
  rule?: Position;
  expr?: (offset: number) => Position;
  labels?: Record<string, Position>;
  annotations?: Record<string, Position>;
}

/** A rule ready to be checked, whatever it was read from. */
export interface RuleUnderLint {
  group: string;
  kind: 'alert' | 'record';
  name: string;
  expr: string;
  /** Seconds of `for`; undefined when the rule has none. */
  forSeconds?: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  file?: string;
  positions?: RulePositions;
}

const PAGING_SEVERITIES = new Set([
  'critical',
  'page',
  'pager',
  'p1',
  'sev1',
  'emergency',
]);

const CAUSE_WORDS: Record<CauseKind, string> = {
  cpu: 'CPU usage',
  memory: 'memory usage',
  disk: 'disk usage',
  exceptions: 'an exception count',
  restarts: 'restart counts',
};

const { requestsTotal, statusLabel, durationHistogram } = DEFAULT_METRIC_NAMES;
const ERROR_RATE = `error rate > 1 %: sum(rate(${requestsTotal}{${statusLabel}=~"5.."}[5m])) / (sum(rate(${requestsTotal}[5m])) > 0) > 0.01`;
const P99_LATENCY = `P99 latency > 500 ms: histogram_quantile(0.99, sum by (le) (rate(${durationHistogram}_bucket[5m]))) > 0.5`;
const AVAILABILITY = `availability < 99.9 %: sum(rate(${requestsTotal}{${statusLabel}!~"5.."}[5m])) / (sum(rate(${requestsTotal}[5m])) > 0) < 0.999`;

/**
 * The seed's symptom alternatives: exceptions → error rate, CPU → latency,
 * disk → availability. Ratios carry the `> 0` guard so the suggestion passes
 * the linter's own division-by-zero check.
 */
const SYMPTOM_FIX: Record<CauseKind, string> = {
  exceptions: `page on the ${ERROR_RATE}`,
  cpu: `page on the ${P99_LATENCY}`,
  disk: `page on the ${AVAILABILITY}`,
  memory: `page on the ${P99_LATENCY} (memory pressure shows up as latency and errors)`,
  restarts: `page on the ${AVAILABILITY} (restarts matter when requests fail)`,
};

export function lintRules(rules: RuleUnderLint[]): LintFinding[] {
  return [...rules.flatMap(lintRule), ...duplicateAlertNames(rules)];
}

function baseLocation(rule: RuleUnderLint): LintLocation {
  const location: LintLocation = { group: rule.group, rule: rule.name };
  if (rule.file !== undefined) location.file = rule.file;
  return location;
}

function at(rule: RuleUnderLint, position: Position | undefined): LintLocation {
  const location = baseLocation(rule);
  const where = position ?? rule.positions?.rule;
  if (where) {
    location.line = where.line;
    location.column = where.column;
  }
  return location;
}

function lintRule(rule: RuleUnderLint): LintFinding[] {
  if (looksLikeLogQL(rule.expr)) {
    // A Loki ruler rule: the alerting practices apply, the PromQL checks do not.
    return rule.kind === 'alert' ? alertPractices(rule, false) : [];
  }
  const findings: LintFinding[] = [];
  const parsed = parsePromql(rule.expr);
  const syntaxError = findSyntaxError(parsed);
  const exprAt = (offset: number) => at(rule, rule.positions?.expr?.(offset));
  if (syntaxError) {
    const { line, column } = lineAndColumn(rule.expr, syntaxError.offset);
    findings.push(
      makeFinding(
        'promql/syntax',
        `PromQL error in ${
          rule.kind === 'alert' ? 'alert' : 'recording rule'
        } "${rule.name}": ${
          syntaxError.message
        } (expression line ${line}, column ${column})`,
        'fix the expression; `promtool check rules <file>` shows the same error, and the Prometheus query page highlights it',
        exprAt(syntaxError.offset),
      ),
    );
  } else {
    for (const issue of checkExpression(parsed)) {
      findings.push(
        makeFinding(
          issue.ruleId,
          issue.message,
          issue.fix,
          exprAt(issue.offset),
        ),
      );
    }
  }
  if (rule.kind === 'alert') {
    findings.push(
      ...alertPractices(rule, !syntaxError && isMultiWindowCondition(parsed)),
    );
    if (!syntaxError) {
      const cause = pagingCause(rule, parsed);
      if (cause) {
        findings.push(
          makeFinding(
            'alert/cause-not-symptom',
            `critical alert "${rule.name}" pages on ${
              CAUSE_WORDS[cause.kind]
            } ("${cause.metric}"), a cause; page on what users feel instead`,
            `${
              SYMPTOM_FIX[cause.kind]
            }; keep this alert as severity: warning for diagnosis`,
            exprAt(cause.offset),
          ),
        );
      }
    }
  }
  return findings;
}

function lineAndColumn(
  text: string,
  offset: number,
): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function alertPractices(
  rule: RuleUnderLint,
  multiWindow: boolean,
): LintFinding[] {
  const findings: LintFinding[] = [];
  const add = (
    id: LintRuleId,
    message: string,
    fix: string,
    position?: Position,
  ) => findings.push(makeFinding(id, message, fix, at(rule, position)));
  const name = rule.name;

  // A heartbeat (`vector(1)`) fires on its first evaluation by design:
  // waiting a `for` would only delay the dead-man's switch.
  if (!rule.forSeconds && !multiWindow && !isHeartbeat(rule.expr)) {
    add(
      'alert/missing-for',
      `alert "${name}" has no "for", so a single evaluation above the threshold fires it`,
      'add "for: 5m" (the seed alerts when the condition holds for 5 minutes)',
    );
  }
  if (!nonEmpty(rule.labels.severity)) {
    add(
      'alert/missing-severity',
      `alert "${name}" has no severity label, so Alertmanager cannot tell a page from a ticket`,
      'add "labels: { severity: critical }" for alerts that page, "severity: warning" for tickets',
    );
  }
  if (!nonEmpty(rule.annotations.summary)) {
    add(
      'alert/missing-summary',
      `alert "${name}" has no summary annotation`,
      `add "annotations: { summary: \\"${humanise(
        name,
      )} on {{ $labels.service }}\\" }"`,
    );
  }
  if (!nonEmpty(rule.annotations.description)) {
    add(
      'alert/missing-description',
      `alert "${name}" has no description annotation`,
      'add a description with the current value, e.g. "Error rate is {{ $value | humanizePercentage }}"',
    );
  }
  findings.push(...runbookFindings(rule));
  return findings;
}

function runbookFindings(rule: RuleUnderLint): LintFinding[] {
  const findings: LintFinding[] = [];
  const { runbook_url: runbookUrl, runbook } = rule.annotations;
  const annotations = rule.positions?.annotations;
  const example = `https://runbooks.example.com/${rule.name}`;
  let link: { key: string; value: string } | undefined;
  if (nonEmpty(runbookUrl)) {
    link = { key: 'runbook_url', value: runbookUrl };
  } else if (nonEmpty(runbook)) {
    link = { key: 'runbook', value: runbook };
    findings.push(
      makeFinding(
        'alert/runbook-annotation-name',
        `alert "${rule.name}" links its runbook as "runbook"; tools look for "runbook_url"`,
        `rename the annotation: runbook_url: "${runbook}"`,
        at(rule, annotations?.runbook),
      ),
    );
  } else {
    findings.push(
      makeFinding(
        'alert/missing-runbook-url',
        `alert "${rule.name}" has no runbook_url annotation`,
        `add "runbook_url: ${example}" (redline generates a runbook per alert)`,
        at(rule, undefined),
      ),
    );
  }
  if (link && !isBrowsable(link.value)) {
    findings.push(
      makeFinding(
        'alert/runbook-url-not-http',
        `the ${link.key} of alert "${rule.name}" is "${link.value}", not an absolute http(s) URL without spaces or credentials`,
        `use a full link such as ${example}`,
        at(rule, annotations?.[link.key]),
      ),
    );
  }
  return findings;
}

/**
 * http(s) links pass; so do templates, whose value is only known when the
 * alert fires: a value that starts with an action, or a link whose actions
 * (`https://wiki/{{ $labels.alertname }}`) stand in for some path text.
 */
function isBrowsable(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.startsWith('{{')) return true;
  return isHttpUrl(trimmed.replace(/\{\{[\s\S]*?\}\}/g, 'x'));
}

function nonEmpty(value: string | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function humanise(alertName: string): string {
  return alertName.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ');
}

function pagingCause(
  rule: RuleUnderLint,
  parsed: ReturnType<typeof parsePromql>,
): { kind: CauseKind; metric: string; offset: number } | undefined {
  const severity = rule.labels.severity?.trim().toLowerCase();
  if (!severity || !PAGING_SEVERITIES.has(severity)) return undefined;
  for (const selector of findAll(parsed, new Set(['VectorSelector']))) {
    const metric = metricName(parsed, selector);
    const kind = metric ? causeKind(metric) : undefined;
    if (metric && kind) return { kind, metric, offset: selector.from };
  }
  return undefined;
}

function duplicateAlertNames(rules: RuleUnderLint[]): LintFinding[] {
  const findings: LintFinding[] = [];
  const firstByKey = new Map<string, RuleUnderLint>();
  for (const rule of rules) {
    if (rule.kind !== 'alert') continue;
    // Alerts that share a name but differ in labels (multi-window burn rates,
    // one per severity) are a deliberate pattern; only identical label sets clash.
    const key = `${rule.name}\u0000${canonicalLabels(rule.labels)}`;
    const first = firstByKey.get(key);
    if (!first) {
      firstByKey.set(key, rule);
      continue;
    }
    if (normaliseExpr(first.expr) === normaliseExpr(rule.expr)) continue;
    findings.push(
      makeFinding(
        'rules/duplicate-alert-name',
        `alert "${
          rule.name
        }" is defined again with a different expression and the same labels (first in ${describe(
          first,
        )})`,
        'give one of them a distinct name, or tell them apart with a label (e.g. window or severity)',
        at(rule, undefined),
      ),
    );
  }
  return findings;
}

function canonicalLabels(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.entries(labels).sort(([a], [b]) => a.localeCompare(b, 'en')),
  );
}

function normaliseExpr(expr: string): string {
  return expr.replace(/\s+/g, '');
}

function describe(rule: RuleUnderLint): string {
  const place = rule.positions?.rule;
  if (rule.file !== undefined && place) return `${rule.file}:${place.line}`;
  return `group "${rule.group}"`;
}

/** An always-firing expression: a constant vector, as a Watchdog uses. */
function isHeartbeat(expr: string): boolean {
  return /^\s*vector\(\s*\d+(\.\d+)?\s*\)\s*$/.test(expr);
}
