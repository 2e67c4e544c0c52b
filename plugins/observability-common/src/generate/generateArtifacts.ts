/**
 * Everything Redline generates for one entity, in one call: the registered
 * generators run in order over the spec, and their files are offered with
 * text rendered on first read. The CLI, the backend's routes, the coverage
 * run and the scaffolder action all get their artifacts from here (through
 * `describeEntity`), so they hand out byte-identical files.
 */
import type { GeneratorConfig } from '../spec/config';
import type { Finding, ObservabilitySpec } from '../spec/types';
import { computeConfidence } from './confidence';
import { DEFAULT_GENERATORS } from './generators';
import { buildObservabilityOutput, ConfigurationEntry } from './output';
import { portableValue } from './portableText';
import type {
  ArtifactFileSource,
  ArtifactGenerator,
  DashboardSummary,
  GeneratedSoFar,
  GeneratorOutput,
} from './registry';
import type { AlertmanagerFragment } from './alertmanager';
import { defineLazy } from './lazyProperty';
import type {
  ArtifactFile,
  ArtifactId,
  GeneratedAlert,
  GeneratedArtifacts,
  RuleGroup,
  Runbook,
} from './types';

/**
 * The spec parser and a generator may notice the same thing; a finding is
 * listed once however many steps report it.
 * @public
 */
export function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter(f => {
    const key = `${f.id}\u0000${f.annotation ?? ''}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Files whose text the output object's `configuration` carries, by component. */
const CONFIGURATION_FILES: Array<[component: string, file: ArtifactId]> = [
  // The PrometheusRule resource is the same rules in another wrapper:
  // listing it again would double the output object's size.
  ['prometheus', 'prometheus-rules'],
  ['alertmanager', 'alertmanager'],
  ['grafana', 'grafana-dashboard'],
  ['opentelemetry-collector', 'otel-collector'],
  ['loki', 'loki-rules'],
];

/** A generator's dashboard summaries as a function that computes them once. */
function once(
  dashboards: NonNullable<GeneratorOutput['dashboards']>,
): () => readonly DashboardSummary[] {
  if (typeof dashboards !== 'function') {
    const copy = [...dashboards];
    return () => copy;
  }
  let value: readonly DashboardSummary[] | undefined;
  return () => (value ??= dashboards());
}

/**
 * What the generators that ran so far produced, handed to the next as
 * `previous`. Dashboard summaries are resolved when `dashboards` is read,
 * so building a dashboard waits until the output object (or a later
 * generator) needs it.
 */
class SoFar implements GeneratedSoFar {
  ruleGroups: readonly RuleGroup[] = [];
  alerts: readonly GeneratedAlert[] = [];
  runbooks: readonly Runbook[] = [];
  alertmanager?: AlertmanagerFragment;
  declare readonly dashboards: readonly DashboardSummary[];
  readonly files: ArtifactFileSource[] = [];
  readonly #dashboardParts: Array<() => readonly DashboardSummary[]> = [];
  #resolved: readonly DashboardSummary[] = [];
  #resolvedParts = 0;

  constructor() {
    // An own property like the others, its getter shared by every instance
    // (see ./lazyProperty for why not one getter per object).
    Object.defineProperty(this, 'dashboards', {
      enumerable: true,
      get: SoFar.#dashboards,
    });
  }

  addDashboards(dashboards: NonNullable<GeneratorOutput['dashboards']>) {
    this.#dashboardParts.push(once(dashboards));
  }

  static #dashboards(this: SoFar): readonly DashboardSummary[] {
    if (this.#resolvedParts !== this.#dashboardParts.length) {
      this.#resolved = this.#dashboardParts.flatMap(part => part());
      this.#resolvedParts = this.#dashboardParts.length;
    }
    return this.#resolved;
  }
}

/** A file whose `content` is rendered on first read and then kept. */
function lazyFile(
  source: ArtifactFileSource,
  artifacts: GeneratedArtifacts,
): ArtifactFile {
  return defineLazy(
    {
      id: source.id,
      path: source.path,
      mediaType: source.mediaType,
      label: source.label,
    },
    'content',
    () => source.render(artifacts),
  );
}

/**
 * Runs the generators over one spec. Never throws on a spec built by
 * `parseSpec`; problems come back as findings — the spec parser's (passed in
 * as `specFindings`) first, then the generators', each listed once.
 * @public
 */
export function generateArtifacts(
  rawSpec: ObservabilitySpec,
  config: GeneratorConfig,
  specFindings: readonly Finding[] = [],
  generators: readonly ArtifactGenerator[] = DEFAULT_GENERATORS,
): GeneratedArtifacts {
  // Go's YAML parser (Prometheus, Alertmanager) rejects some code points the
  // spec parser lets through; make every string portable once, here.
  const spec = portableValue(rawSpec);
  const soFar = new SoFar();
  const found: Finding[] = [...specFindings];
  for (const generator of generators) {
    const out = generator.generate({ spec, config, previous: soFar });
    // Each list the next generator sees is a new array when this one added
    // to it and the same (never mutated) array when it did not.
    if (out.ruleGroups?.length)
      soFar.ruleGroups = [...soFar.ruleGroups, ...out.ruleGroups];
    if (out.alerts?.length) soFar.alerts = [...soFar.alerts, ...out.alerts];
    if (out.runbooks?.length)
      soFar.runbooks = [...soFar.runbooks, ...out.runbooks];
    if (out.dashboards) soFar.addDashboards(out.dashboards);
    soFar.alertmanager = out.alertmanager ?? soFar.alertmanager;
    if (out.files) soFar.files.push(...out.files);
    if (out.findings) found.push(...out.findings);
  }
  const findings = uniqueFindings(found);
  const confidence = computeConfidence(spec, findings);

  // Keys in the order of the literal this used to be: `files` and `output`
  // (built on first read, since it embeds the text of the configuration
  // files) come between `alertmanager` and `confidence`. The file list is
  // made on first read too, since a coverage run never lists files.
  const head = {
    entityRef: spec.entityRef,
    serviceName: spec.serviceName.value,
    rules: { groups: [...soFar.ruleGroups] },
    alerts: [...soFar.alerts],
    runbooks: [...soFar.runbooks],
    ...(soFar.alertmanager ? { alertmanager: soFar.alertmanager } : {}),
  };
  const artifacts: GeneratedArtifacts = Object.assign(
    defineLazy(
      defineLazy(head, 'files', (): ArtifactFile[] =>
        soFar.files.map(source => lazyFile(source, artifacts)),
      ),
      'output',
      () =>
        buildObservabilityOutput({
          spec,
          alerts: artifacts.alerts,
          runbooks: artifacts.runbooks,
          configuration: CONFIGURATION_FILES.flatMap(
            ([component, id]): ConfigurationEntry[] => {
              const file = artifacts.files.find(f => f.id === id);
              return file ? [{ component, config: file.content }] : [];
            },
          ),
          dashboards: [...soFar.dashboards],
          confidence,
        }),
    ),
    { confidence, findings },
  );
  return artifacts;
}
