import type { ArtifactGenerator } from '../registry';
import { alertmanagerGenerator } from './alertmanager';
import { grafanaDashboardGenerator } from './grafanaDashboard';
import { lokiRulesGenerator } from './lokiRules';
import { otelCollectorGenerator } from './otelCollector';
import { outputObjectGenerator } from './outputObject';
import { prometheusRulesGenerator } from './prometheusRules';
import { runbooksGenerator } from './runbooks';
import { watchdogGenerator } from './watchdog';

/**
 * Redline's own generators, in the order they run and their files are
 * listed. Runbooks come after every generator that produces alerts; the
 * output object last, since it summarises the rest.
 * @public
 */
export const DEFAULT_GENERATORS: readonly ArtifactGenerator[] = [
  prometheusRulesGenerator,
  alertmanagerGenerator,
  watchdogGenerator,
  grafanaDashboardGenerator,
  otelCollectorGenerator,
  lokiRulesGenerator,
  runbooksGenerator,
  outputObjectGenerator,
];

/**
 * The default generators plus others (from the backend's extension point):
 * added ones run before the runbooks, so their alerts get runbooks and a
 * place in the output object too.
 * @public
 */
export function withGenerators(
  extra: readonly ArtifactGenerator[],
): readonly ArtifactGenerator[] {
  if (extra.length === 0) return DEFAULT_GENERATORS;
  const at = DEFAULT_GENERATORS.indexOf(runbooksGenerator);
  return [
    ...DEFAULT_GENERATORS.slice(0, at),
    ...extra,
    ...DEFAULT_GENERATORS.slice(at),
  ];
}
