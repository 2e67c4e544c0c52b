/**
 * Shapes of generated artifacts. Generators are pure: they return these
 * objects plus findings; serialisation to YAML/JSON/Markdown happens in the
 * same package so the CLI, the backend and the scaffolder action hand out
 * byte-identical files.
 */
import type { Finding } from '../spec/types';
import type { AlertmanagerFragment } from './alertmanager';

/** @public */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** @public */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** @public */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<RecordingRule | AlertingRule>;
}

/** A Prometheus rule file (`groups:`). @public */
export interface PrometheusRuleFile {
  groups: RuleGroup[];
}

/** Summary of one generated alert, for the UI, checks and the output object. @public */
export interface GeneratedAlert {
  /** Alert name, e.g. `HighErrorRate`, `SLOErrorBudgetBurn`. */
  name: string;
  /** Distinguishes alerts sharing a name (burn windows, SLOs): `SLOErrorBudgetBurn:availability:fast`. */
  key: string;
  severity: 'critical' | 'warning' | 'info';
  for?: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runbookUrl: string;
  /** Path of this alert's runbook in the artifact bundle, e.g. `runbooks/HighErrorRate.md`. */
  runbookPath: string;
}

/** One generated runbook (Markdown). @public */
export interface Runbook {
  alert: string;
  title: string;
  path: string;
  /** The runbook's text; Redline's runbooks write it on first read and keep it. */
  readonly markdown: string;
}

/** Identifiers of downloadable artifacts. @public */
export type ArtifactId =
  | 'prometheus-rules'
  | 'prometheus-rule-crd'
  | 'alertmanager'
  | 'grafana-dashboard'
  | 'observability'
  | 'otel-collector'
  | 'loki-rules'
  | `runbook:${string}`
  /** Files of generators added by other plugins. */
  | (string & {});

/** A file as listed by the tab: everything but its text. @public */
export interface ArtifactFileInfo {
  id: ArtifactId;
  /** Relative path inside a service's folder, e.g. `prometheus-rules.yaml`, `runbooks/HighErrorRate.md`. */
  path: string;
  mediaType: 'application/yaml' | 'application/json' | 'text/markdown';
  /** Human label for pickers, e.g. `Prometheus rules`. */
  label: string;
}

/**
 * A file as handed out by the download routes, the CLI and the scaffolder
 * action. `content` is rendered on first read (and kept), so listing files
 * costs no rendering: use {@link artifactFileInfo} to list them.
 * @public
 */
export interface ArtifactFile extends ArtifactFileInfo {
  readonly content: string;
}

/** The file without its text; reading nothing renders nothing. @public */
export function artifactFileInfo(file: ArtifactFileInfo): ArtifactFileInfo {
  return {
    id: file.id,
    path: file.path,
    mediaType: file.mediaType,
    label: file.label,
  };
}

/** One factor of the confidence score. @public */
export interface ConfidenceFactor {
  id: string;
  label: string;
  weight: number;
  met: boolean;
  detail: string;
}

/** Confidence score (0–1) with the breakdown that explains it. @public */
export interface ConfidenceScore {
  score: number;
  factors: ConfidenceFactor[];
}

/** The seed's fallback order, stated in every output. @public */
export type DesignLevel =
  | 'FULL_OBSERVABILITY_DESIGN'
  | 'LOGGING_ONLY'
  | 'BASIC_METRICS';

/** The seed's `output_schema`, plus Redline's stated design level. @public */
export interface ObservabilityOutput {
  observability_design: {
    pillars: string[];
    tools: string[];
    dashboards: Array<Record<string, unknown>>;
    /** Which rung of the seed's fallback order this design is, and why. */
    level?: DesignLevel;
    level_reason?: string;
  };
  configuration: Array<{ component: string; config: string }>;
  alerts: Array<Record<string, unknown>>;
  runbooks: string[];
  confidence_score: number;
}

/**
 * Everything generated for one entity, structured: the checks and the tab
 * read these objects; text exists only in `files[].content` and `output`,
 * both built on first read.
 * @public
 */
export interface GeneratedArtifacts {
  entityRef: string;
  serviceName: string;
  /** The Prometheus rule file (the log-based fallback goes to Loki, not here). */
  rules: PrometheusRuleFile;
  alerts: GeneratedAlert[];
  runbooks: Runbook[];
  /** The owning team's part of the Alertmanager configuration. */
  alertmanager?: AlertmanagerFragment;
  files: ArtifactFile[];
  /** The seed's output object; built on first read. */
  readonly output: ObservabilityOutput;
  confidence: ConfidenceScore;
  /** Every finding of the spec parser and the generators, each once. */
  findings: Finding[];
}
