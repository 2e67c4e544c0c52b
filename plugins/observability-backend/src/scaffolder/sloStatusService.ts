import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  withChecks,
  withGenerators,
} from '@redline/backstage-plugin-observability-common';
import type { ObservabilityBackendConfig } from '../services/config';
import { EntityFactsService } from '../services/EntityFactsService';
import { EntityObservabilityService } from '../services/EntityObservabilityService';
import { createPrometheusClients } from '../services/createServices';
import { RunbookChecker } from '../services/RunbookChecker';
import { SloStatusService } from '../services/SloStatusService';

/**
 * The SLO status service as the observability plugin builds it, for the
 * scaffolder module: a module of another plugin cannot reach the
 * observability plugin's instances, but reading the same `observability.*`
 * config gives the same Prometheus, timeouts and retries, so the gate sees
 * the tab's numbers. Only what the SLO status reads is built (no database,
 * no Alertmanager: a step does not look at alerts).
 */
export function createScaffolderSloStatus(options: {
  config: ObservabilityBackendConfig;
  catalog: CatalogService;
}): SloStatusService {
  const { config, catalog } = options;
  const { http, prometheus } = createPrometheusClients(config);
  const entities = EntityObservabilityService.create({
    catalog,
    generator: config.generator,
    generators: withGenerators([]),
    checks: withChecks([]),
  });
  const facts = EntityFactsService.create({
    catalog,
    prometheus,
    alertmanagers: [],
    runbooks: RunbookChecker.create({
      http,
      allowedHosts: config.runbookCheck.allowedHosts,
      timeoutMs: config.runbookCheck.timeoutMs,
    }),
    stormThreshold: config.alertmanager.stormThreshold,
  });
  return SloStatusService.create({ entities, facts });
}
