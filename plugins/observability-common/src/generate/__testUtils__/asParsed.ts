/**
 * Hand-built specs as `parseSpec` hands them over. The generators trust what
 * parseSpec validated (metric names, the selector, the log selector) and
 * splice it into PromQL and LogQL as is; property tests that bypass parseSpec
 * must respect that contract and keep their hostile text for the free-form
 * fields the generators do escape.
 */
import { resolveGeneratorConfig } from '../../spec/config';
import {
  formatLabelMatchers,
  parseLabelMatchers,
  promqlString,
} from '../../spec/labelMatchers';
import type { ObservabilitySpec } from '../../spec/types';
import { sanitizeText } from '../escape';

/**
 * Invalid metric names become the defaults, a selector that does not parse
 * becomes `<serviceLabel>="<service>"`, a log selector that does not parse
 * is dropped; valid ones are re-serialised from their matchers, as parseSpec
 * does.
 */
export function asParsed(spec: ObservabilitySpec): ObservabilitySpec {
  const { metrics } = resolveGeneratorConfig({ metrics: spec.metrics });
  const selector = parseLabelMatchers(spec.selector.value);
  const { logSelector, ...links } = spec.links;
  const braces = logSelector?.trim().match(/^\{([\s\S]*)\}$/);
  const logMatchers = braces ? parseLabelMatchers(braces[1]) : undefined;
  return {
    ...spec,
    metrics,
    selector: selector.ok
      ? { ...spec.selector, value: formatLabelMatchers(selector.matchers) }
      : {
          value: `${metrics.serviceLabel}=${promqlString(
            sanitizeText(spec.serviceName.value),
          )}`,
          source: 'default',
        },
    links: logMatchers?.ok
      ? {
          ...links,
          logSelector: `{${formatLabelMatchers(logMatchers.matchers)}}`,
        }
      : links,
  };
}
