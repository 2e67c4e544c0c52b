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
  // Most entities have none or one: nothing to compare.
  if (findings.length < 2) return [...findings];
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

/** A part a generator gives as a list or as a function, computed once. */
function once<T>(
  part: readonly T[] | (() => readonly T[]),
): () => readonly T[] {
  if (typeof part !== 'function') {
    const copy = [...part];
    return () => copy;
  }
  let value: readonly T[] | undefined;
  return () => (value ??= part());
}

/**
 * A list the generators add to in parts, each part given as a list or as
 * a function: functions run only when the list is first read, so a part
 * nobody reads (a coverage run reads no runbook, dashboard or file) is
 * never built. Each read after a part was added is a new array, and the
 * same (never mutated) array otherwise.
 */
class DeferredList<T> {
  readonly #parts: Array<() => readonly T[]> = [];
  #joined: readonly T[] = [];
  #joinedParts = 0;

  add(part: readonly T[] | (() => readonly T[])) {
    this.#parts.push(once(part));
  }

  read(): readonly T[] {
    if (this.#joinedParts !== this.#parts.length) {
      this.#joined = this.#parts.flatMap(part => part());
      this.#joinedParts = this.#parts.length;
    }
    return this.#joined;
  }
}

/**
 * What the generators that ran so far produced, handed to the next as
 * `previous`. Runbooks and dashboard summaries are resolved when read, so
 * writing them waits until the artifacts' reader (or a later generator)
 * needs them.
 */
class SoFar implements GeneratedSoFar {
  ruleGroups: readonly RuleGroup[] = [];
  alerts: readonly GeneratedAlert[] = [];
  declare readonly runbooks: readonly Runbook[];
  alertmanager?: AlertmanagerFragment;
  declare readonly dashboards: readonly DashboardSummary[];
  readonly runbookParts = new DeferredList<Runbook>();
  readonly dashboardParts = new DeferredList<DashboardSummary>();
  readonly fileParts = new DeferredList<ArtifactFileSource>();

  constructor() {
    // Own properties like the others, each getter shared by every instance
    // (see ./lazyProperty for why not one getter per object).
    Object.defineProperty(this, 'runbooks', {
      enumerable: true,
      get: SoFar.#runbooks,
    });
    Object.defineProperty(this, 'dashboards', {
      enumerable: true,
      get: SoFar.#dashboards,
    });
  }

  static #runbooks(this: SoFar): readonly Runbook[] {
    return this.runbookParts.read();
  }

  static #dashboards(this: SoFar): readonly DashboardSummary[] {
    return this.dashboardParts.read();
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
    if (out.runbooks) soFar.runbookParts.add(out.runbooks);
    if (out.dashboards) soFar.dashboardParts.add(out.dashboards);
    soFar.alertmanager = out.alertmanager ?? soFar.alertmanager;
    if (out.files) soFar.fileParts.add(out.files);
    if (out.findings) found.push(...out.findings);
  }
  const findings = uniqueFindings(found);
  const confidence = computeConfidence(spec, findings);

  // Keys in the order of the literal this used to be: `runbooks`, `files`
  // and `output` (which embeds the text of the configuration files) are
  // made on first read, since a coverage run reads none of them.
  const head = defineLazy(
    {
      entityRef: spec.entityRef,
      serviceName: spec.serviceName.value,
      rules: { groups: [...soFar.ruleGroups] },
      alerts: [...soFar.alerts],
    },
    'runbooks',
    (): Runbook[] => [...soFar.runbooks],
  );
  if (soFar.alertmanager)
    Object.assign(head, { alertmanager: soFar.alertmanager });
  const artifacts: GeneratedArtifacts = Object.assign(
    defineLazy(
      defineLazy(head, 'files', (): ArtifactFile[] =>
        soFar.fileParts.read().map(source => lazyFile(source, artifacts)),
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
