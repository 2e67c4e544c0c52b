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
export {
  BUDGET_GATE_ACTION_ID,
  createBudgetGateAction,
} from './actions/budgetGate';
