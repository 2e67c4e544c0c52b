/** Check results: what is true about an entity's observability, with a fix for what is not. */

/** @public */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unknown';

/** @public */
export type CheckCategory =
  | 'metadata'
  | 'ownership'
  | 'runbook'
  | 'routing'
  | 'deployment'
  | 'metrics'
  | 'alerts'
  | 'lint';

/** @public */
export interface CheckResult {
  /** Stable id, e.g. `metadata.slo`, `deployment.rules-loaded`. */
  id: string;
  category: CheckCategory;
  title: string;
  status: CheckStatus;
  message: string;
  /** How to fix it: usually the annotation to add, as a copyable YAML snippet. */
  fix?: string;
}

/**
 * Facts gathered by the backend at the edges (catalog, HTTP, Prometheus,
 * Alertmanager). Every field is optional: a missing fact makes its check
 * `unknown` with a reason, never a failure of the whole view.
 * @public
 */
export interface EntityFacts {
  ownerExists?: boolean;
  /**
   * Runbook links and whether they answered. `skipped` says why a link was
   * not contacted (e.g. `host not allowed`); such a link is `unknown`, not failed.
   */
  runbooks?: Array<{
    url: string;
    ok: boolean;
    status?: number;
    error?: string;
    skipped?: string;
  }>;
  /** From Prometheus `/api/v1/rules`: names of loaded alerts carrying this service's label. */
  deployedRules?:
    | { status: 'ok'; loadedAlerts: string[]; loadedRecords: string[] }
    | { status: 'unknown'; reason: string };
  /**
   * Do the RED metrics exist for this selector? `fallback: 'logs'` when
   * answered from the log signal; `reason` is then the whole sentence that
   * says so (`metricsUnavailable`), shown as it is.
   */
  metrics?:
    | { status: 'ok'; present: string[]; missing: string[] }
    | { status: 'unknown'; reason: string; fallback?: 'logs' };
  firingAlerts?:
    | { status: 'ok'; alerts: FiringAlert[] }
    | { status: 'unknown'; reason: string };
  /**
   * The configuration the entity's Alertmanager is running (from its
   * `/api/v2/status`, `config.original`, read as objects); absent when no
   * Alertmanager is configured. `source` names the instance.
   */
  alertmanagerConfig?:
    | {
        status: 'ok';
        source: string;
        config: { route?: unknown; receivers?: unknown };
      }
    | { status: 'unknown'; source: string; reason: string };
  /** Lint findings on the entity's live rules (rule linter). */
  lintFindings?: Array<{
    ruleId: string;
    severity: 'error' | 'warning' | 'info';
    message: string;
    location: string;
    /** How to fix it (the linter's hint). */
    fix?: string;
  }>;
}

/** A firing (or pending) alert as seen by Prometheus/Alertmanager, after grouping. @public */
export interface FiringAlert {
  name: string;
  severity?: string;
  state: 'firing' | 'pending' | 'suppressed';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  activeAt?: string;
  /** How many raw alerts were folded into this one by dedupe. */
  count: number;
}

/**
 * One rule as Prometheus reports it in `/api/v1/rules` (flattened over
 * groups). The backend fetches these once per evaluation cycle per instance
 * and matches them to every entity with `deployedRulesFact`.
 * @public
 */
export interface LoadedRule {
  type: 'alerting' | 'recording';
  name: string;
  /** Static labels of the rule definition (not of its alerts). */
  labels: Record<string, string>;
  query: string;
  group?: string;
  file?: string;
}
