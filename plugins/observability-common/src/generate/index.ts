export * from './types';
export * from './escape';
export * from './links';
export * from './prometheusRules';
export * from './ruleFileYaml';
export * from './prometheusRuleCrd';
export * from './ruleNames';
export * from './alertmanager';
export * from './catalogAlertmanager';
export * from './grafanaDashboard';
export * from './markdown';
export * from './runbooks';
export * from './pillars';
export * from './confidence';
export * from './output';
export * from './outputSchema';
export * from './design';
export * from './generateArtifacts';
export * from './portableText';
export * from './yamlWriter';
export * from './registry';
export { DEFAULT_GENERATORS, withGenerators } from './generators';
export {
  DEFAULT_WATCHDOG_REPEAT_INTERVAL,
  WATCHDOG_ALERT,
  WATCHDOG_LABEL,
} from './generators/watchdog';
export * from './serviceScope';
