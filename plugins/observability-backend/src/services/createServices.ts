import type {
  DatabaseService,
  LoggerService,
  RootConfigService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ArtifactGenerator,
  Check,
  withChecks,
  withGenerators,
} from '@redline/backstage-plugin-observability-common';
import type { ApplyLogStore } from '../database/ApplyLogStore';
import { DatabaseApplyLogStore } from '../database/DatabaseApplyLogStore';
import type { RuleTargetKind } from '../ruleTargets/RuleTarget';
import { ObservabilityMetrics } from '../telemetry/metrics';
import { AlertmanagerClient } from './AlertmanagerClient';
import { ArtifactApplier } from './ArtifactApplier';
import { CatalogAlertmanagerService } from './CatalogAlertmanagerService';
import { ObservabilityBackendConfig, readObservabilityConfig } from './config';
import { EntityFactsService } from './EntityFactsService';
import { EntityObservabilityService } from './EntityObservabilityService';
import { OpenSloFileReader } from './OpenSloFileReader';
import { OutboundHttp } from './OutboundHttp';
import { PrometheusClient } from './PrometheusClient';
import { RunbookChecker } from './RunbookChecker';
import { SloStatusService } from './SloStatusService';

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
  catalogAlertmanager: CatalogAlertmanagerService;
  slos: SloStatusService;
}

/**
 * The outbound HTTP (retries, circuits, size limit) and one client per
 * configured Prometheus, as every part of the plugin that asks Prometheus
 * builds them: the plugin itself and the scaffolder module, which cannot
 * reach the plugin's instances but must see the same servers and limits.
 * @public
 */
export function createPrometheusClients(config: ObservabilityBackendConfig): {
  http: OutboundHttp;
  prometheus: PrometheusClient[];
} {
  const http = OutboundHttp.create({
    retry: config.retry,
    timeoutMs: config.prometheus.timeoutMs,
    openCircuitMs: config.retry.openCircuitMs,
    maxResponseBytes: config.outbound.maxResponseBytes,
  });
  const prometheus = config.prometheus.instances.map(instance =>
    PrometheusClient.create({
      instance,
      http,
      rulesTtlMs: config.prometheus.rulesCacheTtlMs,
      queryTtlMs: config.prometheus.queryCacheTtlMs,
    }),
  );
  return { http, prometheus };
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
  metrics: MetricsService;
  /** Reads OpenSLO files beside catalog files; without it, file references are reported unread. */
  urlReader?: UrlReaderService;
  /** Generators added by other plugins through the extension point. */
  generators?: readonly ArtifactGenerator[];
  /** Checks added by other plugins through the extension point. */
  checks?: readonly Check[];
  /** Every kind of rule target config may name; default Redline's own. */
  ruleTargetKinds?: readonly RuleTargetKind[];
}): Promise<ObservabilityServices> {
  const config = readObservabilityConfig(options.rootConfig, {
    ruleTargetKinds: options.ruleTargetKinds,
  });
  const metrics = ObservabilityMetrics.create({ metrics: options.metrics });
  const { http, prometheus } = createPrometheusClients(config);
  const alertmanagers = config.alertmanager.instances.map(instance =>
    AlertmanagerClient.create({
      instance,
      http,
      cacheTtlMs: config.alertmanager.cacheTtlMs,
    }),
  );
  const runbooks = RunbookChecker.create({
    http,
    allowedHosts: config.runbookCheck.allowedHosts,
    timeoutMs: config.runbookCheck.timeoutMs,
  });
  const entities = EntityObservabilityService.create({
    catalog: options.catalog,
    generator: config.generator,
    generators: withGenerators(options.generators ?? []),
    checks: withChecks(options.checks ?? []),
    viewedEntityTtlMs: config.catalogCacheTtlMs,
    ...(options.urlReader
      ? {
          openSlo: OpenSloFileReader.create({
            urlReader: options.urlReader,
            logger: options.logger,
          }),
        }
      : {}),
  });
  const facts = EntityFactsService.create({
    catalog: options.catalog,
    prometheus,
    alertmanagers,
    runbooks,
    stormThreshold: config.alertmanager.stormThreshold,
  });
  const catalogAlertmanager = CatalogAlertmanagerService.create({
    catalog: options.catalog,
    describer: entities,
  });
  const applyLog = await DatabaseApplyLogStore.create({
    database: options.database,
  });
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
    catalogAlertmanager,
    slos: SloStatusService.create({ entities, facts }),
  };
}
