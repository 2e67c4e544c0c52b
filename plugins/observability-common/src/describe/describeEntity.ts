/**
 * The one path from a catalog entity to what Redline knows about it: parse
 * the annotations into a spec, compute the RED targets, run the generators.
 * The backend's view and coverage run, the scaffolder action, the CLI and the
 * live-stack scripts all start here; checks then need only facts.
 */
import type { Entity } from '@backstage/catalog-model';
import { generateArtifacts } from '../generate/generateArtifacts';
import type { ArtifactGenerator } from '../generate/registry';
import type { GeneratedArtifacts } from '../generate/types';
import { defineLazy } from '../generate/lazyProperty';
import type { GeneratorConfig } from '../spec/config';
import { parseSpec, type ParseOptions } from '../spec/parseSpec';
import { computeRedTargets } from '../spec/redTargets';
import type { Finding, ObservabilitySpec, ParsedSpec } from '../spec/types';
import type { RedTarget } from '../types';

/** An entity as Redline sees it. @public */
export interface EntityDescription {
  /** Trusted: validated once by `parseSpec`; nothing downstream re-validates it. */
  spec: ObservabilitySpec;
  /** Every finding of parsing and generating, each once (same list as `artifacts.findings`). */
  findings: Finding[];
  redTargets: RedTarget[];
  /** Structured artifacts; file text is rendered only when read. */
  artifacts: GeneratedArtifacts;
}

/** Options of {@link describeEntity}. @public */
export interface DescribeOptions extends ParseOptions {
  /** The generators to run (default: Redline's own). */
  generators?: readonly ArtifactGenerator[];
}

/**
 * A spec (already parsed) described: for callers that hold a spec rather
 * than an entity, such as the design route's seed-default service.
 * @public
 */
export function describeSpec(
  parsed: ParsedSpec,
  config: GeneratorConfig,
  options: DescribeOptions = {},
): EntityDescription {
  // What serves no requests (a library, a static website) has nothing to
  // measure or alert on: no generator runs and there are no RED targets.
  const serves = parsed.spec.servesRequests;
  const artifacts = generateArtifacts(
    parsed.spec,
    config,
    parsed.findings,
    serves ? options.generators : [],
  );
  // The targets are written out on first read: the tab shows them, a
  // coverage run describing 10 000 entities never reads them.
  const described = defineLazy(
    { spec: parsed.spec, findings: artifacts.findings },
    'redTargets',
    () => (serves ? computeRedTargets(parsed.spec) : []),
  );
  return Object.assign(described, { artifacts });
}

/**
 * Entity → spec, findings, RED targets and structured artifacts. Pure; never
 * throws for bad metadata (findings instead). `observedBuckets` (the live
 * `le` values of the service's histogram) makes latency SLOs measure at
 * buckets the service really exposes rather than the configured ones.
 * @public
 */
export function describeEntity(
  entity: Entity,
  config: GeneratorConfig,
  options: DescribeOptions = {},
): EntityDescription {
  return describeSpec(
    parseSpec(entity, config, { observedBuckets: options.observedBuckets }),
    config,
    options,
  );
}
