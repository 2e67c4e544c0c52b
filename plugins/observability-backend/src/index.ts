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
} from './extensions';
export type {
  ObservabilityChecksExtensionPoint,
  ObservabilityGeneratorsExtensionPoint,
} from './extensions';
