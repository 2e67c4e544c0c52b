export * from './lineDiff';
export * from './types';
export * from './ruleGroupDiff';
export * from './syncPlan';
export * from './deployedRuleFile';
export { formatPrometheusDuration } from '../lint/duration';
