/**
 * Scaffolder module of the Redline backend: `redline:observability:generate`
 * and `redline:observability:budget-gate`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleRedlineObservability as default } from './module';
export {
  GENERATE_ACTION_ID,
  createGenerateObservabilityAction,
} from './actions/generate';
// The budget-gate action's factory stays inside: it needs the plugin's own
// SLO status service, which adopters get by installing the module.
export { BUDGET_GATE_ACTION_ID } from './actions/budgetGate';
