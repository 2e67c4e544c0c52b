export { AlertRulesTable, ExpressionToggle } from './AlertRulesTable';
export type { AlertRulesTableProps } from './AlertRulesTable';
