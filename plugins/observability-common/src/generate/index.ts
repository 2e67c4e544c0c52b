export * from './types';
export * from './escape';
export * from './links';
export * from './prometheusRules';
export * from './ruleFileYaml';
export * from './prometheusRuleCrd';
export * from './ruleNames';
