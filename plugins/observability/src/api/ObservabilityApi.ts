import { createApiRef } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ApplyHistoryResponse,
  ApplyPreviewResponse,
  ApplyRequestBody,
  ApplyResponse,
  ArtifactId,
  BacktestReport,
  BacktestThresholds,
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
  /**
   * Everything the Observability tab shows for one entity; with
   * `parts: 'static'`, only what needs no Prometheus, answered at once.
   */
  getEntityView(
    entity: CompoundEntityRef,
    options?: { parts?: 'static' },
  ): Promise<EntityViewResponse>;
  /**
   * The entity's SLOs over their windows (attainment, error budget, burn
   * rate, burn-down), its RED values now and, without SLOs, proposed ones.
   */
  getEntitySlos(entity: CompoundEntityRef): Promise<EntitySloResponse>;
  /**
   * How often each generated alert would have fired over the last `days`
   * (default 7, at most 30), beside what `ALERTS` recorded; its own
   * request, slower than the view. With `thresholds`, the alerts those
   * thresholds would generate (a 400 names a refused one).
   */
  getEntityBacktest(
    entity: CompoundEntityRef,
    options?: {
      days?: number;
      instance?: string;
      thresholds?: BacktestThresholds;
    },
  ): Promise<BacktestReport>;
  /** The entity's SLOs as OpenSLO v1 documents (YAML); rejects with a 404 without an SLO. */
  getOpenSlo(entity: CompoundEntityRef): Promise<DownloadedFile>;
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
  /** The entity's generated files as a zip archive: the chosen ones, else all. */
  getBundle(
    entity: CompoundEntityRef,
    options?: { files?: ArtifactId[] },
  ): Promise<DownloadedFile>;
  /**
   * Writes the chosen files Apply can write (the entity's rules) to the
   * configured Prometheus and reloads it. Rejects with a 403 when not
   * permitted, a 400 naming `files` for a file the entity does not have.
   */
  applyArtifacts(
    entity: CompoundEntityRef,
    options?: ApplyRequestBody,
  ): Promise<ApplyResponse>;
  /** What {@link ObservabilityApi.applyArtifacts} would change: a diff against the deployed file. */
  previewApply(
    entity: CompoundEntityRef,
    options?: ApplyRequestBody,
  ): Promise<ApplyPreviewResponse>;
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
