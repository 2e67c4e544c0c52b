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
  GeneratedSoFar,
} from './registry';
import type {
  ArtifactFile,
  ArtifactId,
  GeneratedArtifacts,
  ObservabilityOutput,
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

/** A file whose `content` is rendered on first read and then kept. */
function lazyFile(
  source: ArtifactFileSource,
  artifacts: () => GeneratedArtifacts,
): ArtifactFile {
  let text: string | undefined;
  const { render: _render, ...info } = source;
  return Object.defineProperty({ ...info } as ArtifactFile, 'content', {
    enumerable: true,
    get: () => (text ??= source.render(artifacts())),
  });
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
  const soFar: GeneratedSoFar & { files: ArtifactFileSource[] } = {
    ruleGroups: [],
    alerts: [],
    runbooks: [],
    dashboards: [],
    files: [],
  };
  const found: Finding[] = [...specFindings];
  for (const generator of generators) {
    const out = generator.generate({ spec, config, previous: soFar });
    soFar.ruleGroups = [...soFar.ruleGroups, ...(out.ruleGroups ?? [])];
    soFar.alerts = [...soFar.alerts, ...(out.alerts ?? [])];
    soFar.runbooks = [...soFar.runbooks, ...(out.runbooks ?? [])];
    soFar.dashboards = [...soFar.dashboards, ...(out.dashboards ?? [])];
    soFar.alertmanager = out.alertmanager ?? soFar.alertmanager;
    soFar.files.push(...(out.files ?? []));
    found.push(...(out.findings ?? []));
  }
  const findings = uniqueFindings(found);
  const confidence = computeConfidence(spec, findings);

  let output: ObservabilityOutput | undefined;
  const artifacts: GeneratedArtifacts = {
    entityRef: spec.entityRef,
    serviceName: spec.serviceName.value,
    rules: { groups: [...soFar.ruleGroups] },
    alerts: [...soFar.alerts],
    runbooks: [...soFar.runbooks],
    ...(soFar.alertmanager ? { alertmanager: soFar.alertmanager } : {}),
    files: [],
    // Built on first read: it embeds the text of the configuration files.
    get output() {
      output ??= buildObservabilityOutput({
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
      });
      return output;
    },
    confidence,
    findings,
  };
  artifacts.files = soFar.files.map(source =>
    lazyFile(source, () => artifacts),
  );
  return artifacts;
}
