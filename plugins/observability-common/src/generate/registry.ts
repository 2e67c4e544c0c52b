/**
 * Generators as a registry: each output Redline can produce (a rule file, a
 * dashboard, runbooks, …) is one {@link ArtifactGenerator}, and an entity's
 * artifacts are what the registered generators produce, in order. Adding an
 * output is one new generator plus one line in the list (or, from another
 * Backstage plugin, one call on the backend's extension point).
 */
import type { GeneratorConfig } from '../spec/config';
import type { Finding, ObservabilitySpec } from '../spec/types';
import type { AlertmanagerFragment } from './alertmanager';
import type {
  ArtifactId,
  GeneratedAlert,
  GeneratedArtifacts,
  RuleGroup,
  Runbook,
} from './types';

/**
 * A file a generator offers, without its text: `render` runs only when a
 * caller reads the file's `content`, so describing an entity (what the tab
 * and a coverage run need) renders no YAML, JSON or Markdown at all.
 * @public
 */
export interface ArtifactFileSource {
  id: ArtifactId;
  path: string;
  mediaType: 'application/yaml' | 'application/json' | 'text/markdown';
  label: string;
  /** Renders the file from the entity's complete artifacts. */
  render(artifacts: GeneratedArtifacts): string;
}

/** Summary of one generated dashboard, for the seed's output object. @public */
export type DashboardSummary = Record<string, unknown>;

/** What the generators that ran before one have produced so far. @public */
export interface GeneratedSoFar {
  ruleGroups: readonly RuleGroup[];
  alerts: readonly GeneratedAlert[];
  /** Resolved on read: deferred runbooks are written only when asked for. */
  readonly runbooks: readonly Runbook[];
  alertmanager?: AlertmanagerFragment;
  /** Resolved on read: deferred summaries are computed only when asked for. */
  readonly dashboards: readonly DashboardSummary[];
}

/** What one generator sees. @public */
export interface GeneratorInput {
  /** The entity's spec, already made portable for Go's YAML parser. */
  spec: ObservabilitySpec;
  config: GeneratorConfig;
  previous: GeneratedSoFar;
}

/**
 * What one generator adds; every part is optional. `ruleGroups` join the
 * entity's Prometheus rule file, `alerts` are listed on the tab, checked for
 * deployment and get a runbook, `files` are offered for download.
 * @public
 */
export interface GeneratorOutput {
  ruleGroups?: RuleGroup[];
  alerts?: GeneratedAlert[];
  /**
   * Runbooks for alerts. A function is called at most once, when the
   * artifacts' `runbooks` (or a later generator's `previous.runbooks`) are
   * first read: a coverage run never reads them.
   */
  runbooks?: Runbook[] | (() => Runbook[]);
  alertmanager?: AlertmanagerFragment;
  /**
   * Summaries of generated dashboards, for the seed's output object. A
   * function is called at most once, when the output object is built (or a
   * later generator reads `previous.dashboards`), so a generator need not
   * build its dashboard just to describe an entity.
   */
  dashboards?: DashboardSummary[] | (() => DashboardSummary[]);
  /** Files to offer; a function is called at most once, when the file list is first read. */
  files?: ArtifactFileSource[] | (() => ArtifactFileSource[]);
  findings?: Finding[];
}

/** One kind of output. Pure: no I/O, never throws on a parsed spec. @public */
export interface ArtifactGenerator {
  /** Stable id, e.g. `prometheus-rules`, `datadog-monitors`. */
  id: string;
  generate(input: GeneratorInput): GeneratorOutput;
}
