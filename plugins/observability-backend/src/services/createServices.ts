import type {
  DatabaseService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ObservabilityMetrics } from '../telemetry/metrics';
import { AlertmanagerClient } from './AlertmanagerClient';
import { ApplyLogStore } from './ApplyLogStore';
import { ArtifactApplier } from './ArtifactApplier';
import { ObservabilityBackendConfig, readObservabilityConfig } from './config';
import { EntityFactsService } from './EntityFactsService';
import { EntityObservabilityService } from './EntityObservabilityService';
import { OutboundHttp } from './OutboundHttp';
import { PrometheusClient } from './PrometheusClient';
import { RunbookChecker } from './RunbookChecker';

/** The plugin's services, built once per backend. @public */
export interface ObservabilityServices {
  config: ObservabilityBackendConfig;
  metrics: ObservabilityMetrics;
  http: OutboundHttp;
  prometheus: PrometheusClient[];
  alertmanagers: AlertmanagerClient[];
  entities: EntityObservabilityService;
  facts: EntityFactsService;
  applier: ArtifactApplier;
  applyLog: ApplyLogStore;
}

/**
 * Reads `observability.*` and wires the services. Kept out of `plugin.ts` so
 * the scheduled coverage evaluation and tests reuse the same construction.
 * @public
 */
export async function createObservabilityServices(options: {
  rootConfig: RootConfigService;
  database: DatabaseService;
  catalog: CatalogService;
  logger: LoggerService;
}): Promise<ObservabilityServices> {
  const config = readObservabilityConfig(options.rootConfig);
  const metrics = ObservabilityMetrics.create();
  const http = OutboundHttp.create({
    retry: config.retry,
    timeoutMs: config.prometheus.timeoutMs,
    openCircuitMs: config.retry.openCircuitMs,
  });
  const prometheus = config.prometheus.instances.map(instance =>
    PrometheusClient.create({
      instance,
      http,
      serviceLabel: config.generator.metrics.serviceLabel,
      rulesTtlMs: config.prometheus.rulesCacheTtlMs,
    }),
  );
  const alertmanagers = config.alertmanager.instances.map(instance =>
    AlertmanagerClient.create({ instance, http }),
  );
  const runbooks = RunbookChecker.create({
    http,
    allowedHosts: config.runbookCheck.allowedHosts,
    timeoutMs: config.runbookCheck.timeoutMs,
  });
  const entities = EntityObservabilityService.create({
    catalog: options.catalog,
    generator: config.generator,
  });
  const facts = EntityFactsService.create({
    catalog: options.catalog,
    prometheus,
    alertmanagers,
    runbooks,
    stormThreshold: config.alertmanager.stormThreshold,
    metrics,
  });
  const applyLog = await ApplyLogStore.create({ database: options.database });
  const applier = ArtifactApplier.create({
    promtoolPath: config.apply.promtoolPath,
    log: applyLog,
  });
  options.logger.info(
    `Observability: ${prometheus.length} Prometheus and ${alertmanagers.length} Alertmanager instance(s) configured`,
  );
  return {
    config,
    metrics,
    http,
    prometheus,
    alertmanagers,
    entities,
    facts,
    applier,
    applyLog,
  };
}
