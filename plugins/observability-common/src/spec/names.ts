/**
 * Prometheus' classic metric and label name syntax. Configured names are
 * spliced into PromQL unquoted, so every place that accepts one (config, the
 * spec parser, the label matcher parser, the rule linter, the backend's
 * config reader) checks it here.
 */

/** Metric name syntax (recording rule names included), as shown to users. @public */
export const METRIC_NAME_SYNTAX = '[a-zA-Z_:][a-zA-Z0-9_:]*';

/** Label name syntax, as shown to users. @public */
export const LABEL_NAME_SYNTAX = '[a-zA-Z_][a-zA-Z0-9_]*';

const METRIC_NAME = new RegExp(`^${METRIC_NAME_SYNTAX}$`);
const LABEL_NAME = new RegExp(`^${LABEL_NAME_SYNTAX}$`);

/** Valid Prometheus metric name (recording rule names included). @public */
export function isValidMetricName(s: string): boolean {
  return typeof s === 'string' && METRIC_NAME.test(s);
}

/** Valid Prometheus label name (quoted UTF-8 names need Prometheus 3 and are not accepted). @public */
export function isValidLabelName(s: string): boolean {
  return typeof s === 'string' && LABEL_NAME.test(s);
}
