/**
 * Redline backend plugin: produces and checks observability artifacts from
 * catalog metadata, serves live alerts, applies rules to Prometheus and
 * tracks coverage.
 *
 * @packageDocumentation
 */
export { observabilityPlugin as default } from './plugin';
export {
  observabilityChecksExtensionPoint,
  observabilityGeneratorsExtensionPoint,
  observabilityRuleTargetsExtensionPoint,
} from './extensions';
export type {
  ObservabilityChecksExtensionPoint,
  ObservabilityGeneratorsExtensionPoint,
  ObservabilityRuleTargetsExtensionPoint,
} from './extensions';
export { ruleTargetKind, UNCHANGED } from './ruleTargets/RuleTarget';
export type {
  ListOptions,
  RuleTarget,
  RuleTargetDeps,
  RuleTargetHttp,
  RuleTargetKind,
  WriteOptions,
  WriteOutcome,
} from './ruleTargets/RuleTarget';
export type {
  OutboundRequest,
  OutboundResponse,
} from './services/OutboundHttp';
export type { RequestContext } from './telemetry/context';
