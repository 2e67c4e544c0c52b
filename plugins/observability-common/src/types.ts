/**
 * HTTP DTOs shared by the backend router and the frontend client, so both
 * sides of the wire are checked by the same compiler.
 */
import type { Finding, ObservabilitySpec } from './spec/types';
import type {
  ArtifactFileInfo,
  ConfidenceScore,
  DesignLevel,
  GeneratedAlert,
  Runbook,
} from './generate/types';
import type { CheckResult, EntityFacts, FiringAlert } from './check/types';

/** One RED target: a signal, its PromQL and the threshold that alerts on it. @public */
export interface RedTarget {
  signal: 'rate' | 'errors' | 'duration';
  /** Human name, e.g. `Error ratio`. */
  name: string;
  description: string;
  /** The PromQL that measures the signal (what a dashboard would plot). */
  promql: string;
  /** Threshold in `unit`. */
  threshold: number;
  unit: 'percent' | 'ms';
  /** e.g. `> 1 %`, `> 500 ms`, `drop > 50 % vs usual`. */
  thresholdDisplay: string;
  /** How long the condition must hold before alerting, e.g. `5m`. */
  for: string;
  source: 'default' | 'annotation' | 'config';
  annotation?: string;
  /**
   * The full alerting condition (`promql` compared with the threshold), from
   * raw metrics so it holds without Redline's recording rules: for a
   * Prometheus of someone else's, or to check a rule against.
   */
  alertExpr?: string;
}

/** A RED target as the tab shows it. @public */
export type RedTargetView = Omit<RedTarget, 'alertExpr'>;

/** Live value of a RED signal, when Prometheus is configured. @public */
export interface RedLiveValue {
  signal: RedTarget['signal'];
  /** Current value in the target's unit (or in `unit` when set), or null when there is no data. */
  value: number | null;
  /** Unit of `value` and `trend` when it is not the target's: the rate signal is in `req/s`. */
  unit?: 'percent' | 'ms' | 'req/s';
  /** Recent samples for a small trend line: [unix seconds, value]. */
  trend: Array<[number, number]>;
}

/**
 * A generated alert with its live state, as the tab lists it: without the
 * annotation texts (they are in the rule file and the runbook), which would
 * be half of the view's bytes.
 * @public
 */
export interface AlertView
  extends Omit<GeneratedAlert, 'annotations' | 'runbookPath'> {
  /** Loaded in the entity's Prometheus; `unknown` when it was not asked or did not answer. */
  deployed: 'yes' | 'no' | 'unknown';
  firing: boolean;
}

/** A runbook as the tab lists it; its Markdown is served by the runbook route. @public */
export type RunbookInfo = Omit<Runbook, 'markdown'>;

/** Whether a live source answered, and why not. @public */
export type LiveStatus =
  | { status: 'ok' }
  | { status: 'unknown'; reason: string };

/**
 * The spec as the tab shows it: what the checks and generators read of it
 * (thresholds, routing, metric names, which annotations were parsed) is
 * already in the view's targets, checks and alerts.
 * @public
 */
export type EntityViewSpec = Omit<
  ObservabilitySpec,
  'describedAnnotations' | 'thresholds' | 'routing' | 'metrics'
>;

/**
 * Response of `GET /entity/:kind/:namespace/:name` (the Observability tab):
 * what the tab shows, each thing once. File text, runbook Markdown and the
 * seed's output object are fetched when the Scaffold alerts dialog asks.
 * @public
 */
export interface EntityViewResponse {
  entityRef: string;
  spec: EntityViewSpec;
  /**
   * Without `alertExpr`: the tab lists each alert's own expression, and the
   * condition written out from raw metrics would be a second copy of it.
   */
  redTargets: RedTargetView[];
  /**
   * Present when a Prometheus instance is configured for this entity and it
   * has RED targets (it serves requests).
   * `status` says whether it answered: `ok`, `fallback-logs` (metrics failed,
   * the entity has a log stream) or `unknown`, with `reason`.
   */
  live?: {
    status: 'ok' | 'unknown' | 'fallback-logs';
    reason?: string;
    values: RedLiveValue[];
    /**
     * When Prometheus was asked for `values` (ms since the epoch): a kept
     * answer past its TTL still serves while its successor is read, so
     * this can be earlier than the response.
     */
    readAt?: number;
  };
  /** Generated alerts with their deployed and firing state. */
  alerts: AlertView[];
  runbooks: RunbookInfo[];
  /** Downloadable files, without their text. */
  artifacts: ArtifactFileInfo[];
  /** The rung of the seed's fallback order this design is on, and why. */
  design: { level: DesignLevel; reason: string };
  checks: CheckResult[];
  confidence: ConfidenceScore;
  findings: Finding[];
  /** Live alerts for the entity, grouped and deduplicated. */
  firing: LiveStatus & {
    source?: 'alertmanager' | 'prometheus';
    alerts: FiringAlert[];
  };
  /** Whether Prometheus' loaded rules could be read (`alerts[].deployed` depends on it). */
  deployedRules: LiveStatus;
  /** The rule linter's findings on the entity's live rules (absent: not linted). */
  lintFindings?: NonNullable<EntityFacts['lintFindings']>;
  /** Whether the caller may apply artifacts (permission `observability.artifacts.apply`). */
  canApply: boolean;
  /**
   * `static`: answered without asking Prometheus (`?parts=static`), so live
   * values, deployed state and the checks that need them are not known yet.
   * Absent: the full view.
   */
  parts?: 'static';
  /**
   * Whether the rules' evaluator is alive, from the generated Watchdog in
   * Alertmanager: `stopped` when it is missing there (absent: no
   * Alertmanager to ask, or a static view).
   */
  evaluator?: EvaluatorStatus;
  /** Base URLs of the entity's Prometheus and Alertmanager, for links out (graphs, silences). */
  links?: { prometheusUrl?: string; alertmanagerUrl?: string };
}

/** Whether Prometheus still evaluates an entity's rules. @public */
export type EvaluatorStatus =
  | { status: 'ok'; since?: string }
  | { status: 'stopped' | 'unknown'; reason: string };

/** Result of `POST /entity/:kind/:namespace/:name/apply`. @public */
export interface ApplyResponse {
  entityRef: string;
  /** The Prometheus instance, or the rule target when `target` is set. */
  instance: string;
  /** The rules file, or what names the entity's namespace in the target. */
  path: string;
  /** The rule target written through (`observability.ruleTargets`); absent: the instance's rules directory. */
  target?: string;
  changed: boolean;
  validated: 'promtool' | 'skipped';
  reload: { status: 'ok' | 'failed' | 'skipped'; message?: string };
  appliedBy: string;
  appliedAt: string;
}

/** One row of the coverage table. @public */
export interface CoverageEntityRow {
  entityRef: string;
  name: string;
  kind: string;
  owner: string;
  team: string;
  system?: string;
  lifecycle?: string;
  tier?: string;
  hasSlo: boolean;
  hasRunbook: boolean;
  rulesDeployed: 'yes' | 'no' | 'unknown';
  confidence: number;
  failingChecks: number;
  topFailingCheck?: string;
  evaluatedAt: string;
  /**
   * SLO attainment over each SLO's window, from the run's batch queries
   * (see `EntitySloAttainment`); absent on rows of runs that did not
   * measure it.
   */
  slos?: number;
  slosMeasured?: number;
  slosMeeting?: number;
  budgetsNearlyExhausted?: number;
  budgetsExhausted?: number;
  /** `null`: no SLO had data. */
  lowestBudgetPercent?: number | null;
}

/**
 * SLO attainment over a set of rows (a team, or everything). Counts are of
 * SLOs, not services. Absent where no row of the set was measured (runs
 * from before attainment was recorded).
 * @public
 */
export interface SloAttainmentSummary {
  slos?: number;
  slosMeasured?: number;
  slosMeeting?: number;
  /** `slosMeeting / slosMeasured` (0–1); `null` when no SLO had data. */
  sloMeetingShare?: number | null;
  /** Budgets with more than 0 but less than `BUDGET_NEARLY_EXHAUSTED_PERCENT` % left. */
  budgetsNearlyExhausted?: number;
  budgetsExhausted?: number;
}

/** Per-team summary. Shares are 0–1. @public */
export interface TeamCoverageSummary extends SloAttainmentSummary {
  team: string;
  services: number;
  withSlo: number;
  withRunbooks: number;
  withRulesDeployed: number;
  meanConfidence: number;
}

/** Response of `GET /coverage`. @public */
export interface CoverageResponse {
  items: CoverageEntityRow[];
  totalItems: number;
  page: number;
  pageSize: number;
  teams: TeamCoverageSummary[];
  summary: SloAttainmentSummary & {
    services: number;
    withSlo: number;
    withRunbooks: number;
    withRulesDeployed: number;
    meanConfidence: number;
  };
  evaluatedAt?: string;
}

/** One point of coverage history, overall or per team. @public */
export interface CoverageHistoryPoint extends SloAttainmentSummary {
  evaluatedAt: string;
  team?: string;
  services: number;
  withSlo: number;
  withRunbooks: number;
  withRulesDeployed: number;
  meanConfidence: number;
}

/**
 * A calendar month's (UTC) SLO attainment, overall (no `team`) or of a
 * team: the figures of the month's last coverage run. The last run rather
 * than the mean over the month's runs: each run already measures a whole
 * window, so for a calendar-month SLO the last run *is* the month's
 * attainment, and for a rolling window it is the window ending with the
 * month; a mean would count early-month runs, which mostly look back at
 * the month before.
 * @public
 */
export interface SloAttainmentMonth {
  /** `YYYY-MM`. */
  month: string;
  team?: string;
  /** The run the figures are from. */
  evaluatedAt: string;
  slos: number;
  slosMeasured: number;
  slosMeeting: number;
  /** 0–1; `null` when no SLO had data. */
  sloMeetingShare: number | null;
  budgetsNearlyExhausted: number;
  budgetsExhausted: number;
}

/** Response of `GET /coverage/attainment`: oldest month first, overall before teams. @public */
export interface SloAttainmentHistoryResponse {
  months: SloAttainmentMonth[];
}

/** Response of `GET /entity/:kind/:namespace/:name/runbooks/:alert`. @public */
export interface RunbookResponse {
  entityRef: string;
  alert: string;
  title: string;
  path: string;
  markdown: string;
}

/** Columns `GET /coverage` can sort by (any column of the table). @public */
export const COVERAGE_SORT_FIELDS = [
  'entityRef',
  'name',
  'kind',
  'owner',
  'team',
  'system',
  'lifecycle',
  'tier',
  'hasSlo',
  'hasRunbook',
  'rulesDeployed',
  'confidence',
  'failingChecks',
  'topFailingCheck',
  'evaluatedAt',
] as const;

/** @public */
export type CoverageSortField = (typeof COVERAGE_SORT_FIELDS)[number];

/**
 * Which rows a coverage query looks at. Every list matches any of its values;
 * `owner` matches the owner ref or the team name.
 * @public
 */
export interface CoverageFilter {
  owner?: string[];
  system?: string[];
  lifecycle?: string[];
  kind?: string[];
  tier?: string[];
  /** Case-insensitive substring of the entity ref. */
  q?: string;
}

/**
 * Query of `GET /coverage` and `GET /coverage/export.csv`. List filters take
 * repeated parameters or comma-separated values; `owner` matches the owner
 * ref (`group:default/payments`) or the team name (`payments`).
 * @public
 */
export interface CoverageQuery extends CoverageFilter {
  sort?: CoverageSortField;
  order?: 'asc' | 'desc';
  /** 1-based. */
  page?: number;
  /** 1–500, default 25. */
  pageSize?: number;
}

/** Response of `POST /coverage/refresh`. @public */
export interface CoverageRefreshResponse {
  status: 'triggered' | 'already-running';
}

/** Response of `GET /entity/:kind/:namespace/:name/apply`: who applied this entity's rules, newest first. @public */
/**
 * How an apply attempt ended: `applied` wrote (or replaced) the rules file,
 * `unchanged` found it already in place, `refused` was a request that cannot
 * be honoured as it stands (4xx), `failed` could not be carried out (5xx).
 */
export type ApplyOutcome = 'applied' | 'unchanged' | 'refused' | 'failed';

/**
 * One attempt in an entity's apply history. For a refused or failed attempt
 * `changed` is false, `reload.status` is `skipped`, and `instance` and `path`
 * are empty when the attempt stopped before they were known.
 */
export interface ApplyHistoryItem extends Omit<ApplyResponse, 'entityRef'> {
  outcome: ApplyOutcome;
  /** What happened, in words for people; absent on entries from before it was kept. */
  message?: string;
}

export interface ApplyHistoryResponse {
  entityRef: string;
  items: ApplyHistoryItem[];
}
