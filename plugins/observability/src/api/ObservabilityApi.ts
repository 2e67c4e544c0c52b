import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ApplyHistoryResponse,
  ApplyResponse,
  ArtifactId,
  CoverageHistoryPoint,
  CoverageQuery,
  CoverageResponse,
  EntitySloResponse,
  EntityViewResponse,
  RunbookResponse,
  SloAttainmentHistoryResponse,
} from '@redline/backstage-plugin-observability-common';

/**
 * Which months of SLO attainment to read: one team's (else every team's and
 * the overall ones), `from`/`to` as `YYYY-MM`, both inclusive.
 * @public
 */
export interface SloAttainmentQuery {
  team?: string;
  from?: string;
  to?: string;
}

/** A downloaded file: its bytes plus the name the browser should save it as. @public */
export interface DownloadedFile {
  blob: Blob;
  fileName: string;
}

/** A text artifact as served by the backend, with its media type. @public */
export interface ArtifactText {
  content: string;
  mediaType: string;
}

/**
 * Client of the Redline observability backend (discovery id `observability`).
 * @public
 */
export interface ObservabilityApi {
  /** Everything the Observability tab shows for one entity. */
  getEntityView(entity: CompoundEntityRef): Promise<EntityViewResponse>;
  /**
   * The entity's SLOs over their windows (attainment, error budget, burn
   * rate, burn-down), its RED values now and, without SLOs, proposed ones.
   */
  getEntitySlos(entity: CompoundEntityRef): Promise<EntitySloResponse>;
  /** One generated file, e.g. `prometheus-rules` or `runbook:HighErrorRate`. */
  getArtifact(
    entity: CompoundEntityRef,
    artifactId: ArtifactId,
  ): Promise<ArtifactText>;
  /** One generated runbook (Markdown) by alert name. */
  getRunbook(
    entity: CompoundEntityRef,
    alert: string,
  ): Promise<RunbookResponse>;
  /** All generated files of an entity as a zip archive. */
  getBundle(entity: CompoundEntityRef): Promise<DownloadedFile>;
  /** Writes the entity's rules to the configured Prometheus and reloads it. Rejects with a 403 when not permitted. */
  applyArtifacts(
    entity: CompoundEntityRef,
    options?: { instance?: string },
  ): Promise<ApplyResponse>;
  /** Who applied the entity's rules, where and with what outcome; newest first. */
  getApplyHistory(entity: CompoundEntityRef): Promise<ApplyHistoryResponse>;
  getCoverage(query?: CoverageQuery): Promise<CoverageResponse>;
  getCoverageHistory(options?: {
    team?: string;
  }): Promise<CoverageHistoryPoint[]>;
  /** The coverage table (same filters) as CSV. */
  exportCoverageCsv(query?: CoverageQuery): Promise<DownloadedFile>;
  /** SLO attainment by calendar month (UTC), oldest first, overall before teams. */
  getSloAttainment(
    query?: SloAttainmentQuery,
  ): Promise<SloAttainmentHistoryResponse>;
  /** The same months as CSV. */
  exportSloAttainmentCsv(query?: SloAttainmentQuery): Promise<DownloadedFile>;
  /**
   * The one Alertmanager config for the catalog's Components the user may
   * read, or for one team's; rejects with a 404 for a team without a route.
   */
  getCatalogAlertmanagerConfig(options?: {
    team?: string;
  }): Promise<DownloadedFile>;
}

/** @public */
export const observabilityApiRef = createApiRef<ObservabilityApi>({
  id: 'plugin.observability.service',
});
