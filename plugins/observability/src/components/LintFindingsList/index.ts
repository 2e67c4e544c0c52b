export { LintFindingsList } from './LintFindingsList';
export type { LintFindingsListProps } from './LintFindingsList';
