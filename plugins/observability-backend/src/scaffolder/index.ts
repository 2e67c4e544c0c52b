/**
 * Scaffolder module of the Redline backend: `redline:observability:generate`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleRedlineObservability as default } from './module';
export {
  GENERATE_ACTION_ID,
  createGenerateObservabilityAction,
} from './actions/generate';
