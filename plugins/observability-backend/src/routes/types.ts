import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { ApplyLogStore } from '../database/ApplyLogStore';
import type { ArtifactApplier } from '../services/ArtifactApplier';
import type { CatalogAlertmanagerService } from '../services/CatalogAlertmanagerService';
import type { ObservabilityBackendConfig } from '../services/config';
import type { EntityFactsService } from '../services/EntityFactsService';
import type { EntityObservabilityService } from '../services/EntityObservabilityService';
import type { ObservabilityMetrics } from '../telemetry/metrics';

/** What the routers need; built once in `plugin.ts`. @internal */
export interface RouteDeps {
  logger: LoggerService;
  auditor: AuditorService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  config: ObservabilityBackendConfig;
  entities: EntityObservabilityService;
  facts: EntityFactsService;
  applier: ArtifactApplier;
  applyLog: ApplyLogStore;
  catalogAlertmanager: CatalogAlertmanagerService;
  metrics: ObservabilityMetrics;
}
