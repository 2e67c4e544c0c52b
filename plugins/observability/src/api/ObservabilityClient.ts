import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
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
import type {
  ArtifactText,
  DownloadedFile,
  ObservabilityApi,
  SloAttainmentQuery,
} from './ObservabilityApi';

/**
 * Builds `kind/namespace/name` for the backend's entity routes. The backend
 * matches these lower-cased (entity refs are case-insensitive), so the
 * client normalises once here rather than in every component.
 */
function entityPath(entity: CompoundEntityRef): string {
  return [entity.kind, entity.namespace || 'default', entity.name]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/');
}

/** List filters go out as repeated parameters (`owner=a&owner=b`), which the backend accepts. */
function coverageSearch(
  query: CoverageQuery | SloAttainmentQuery = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== '') params.append(key, String(item));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** `?file=a&file=b` for a selection of generated files; nothing for all. */
function fileSearch(files: ArtifactId[] | undefined): string {
  if (!files) return '';
  return `?${new URLSearchParams(files.map(id => ['file', id])).toString()}`;
}

/** `attachment; filename="x.zip"` → `x.zip`; falls back when absent. */
function fileNameFrom(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  return match ? decodeURIComponent(match[1]) : fallback;
}

/**
 * Default {@link ObservabilityApi} implementation over HTTP. Calls go through
 * `fetchApi` so the user's Backstage token is attached; downloads are fetched
 * as blobs for the same reason (a bare `<a href>` would be unauthenticated).
 * @public
 */
export class ObservabilityClient implements ObservabilityApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async getEntityView(
    entity: CompoundEntityRef,
    options?: { parts?: 'static' },
  ): Promise<EntityViewResponse> {
    const query = options?.parts ? `?parts=${options.parts}` : '';
    return this.#json(`/entity/${entityPath(entity)}${query}`);
  }

  async getEntitySlos(entity: CompoundEntityRef): Promise<EntitySloResponse> {
    return this.#json(`/entity/${entityPath(entity)}/slos`);
  }

  async getEntityBacktest(
    entity: CompoundEntityRef,
    options: {
      days?: number;
      instance?: string;
      thresholds?: BacktestThresholds;
    } = {},
  ): Promise<BacktestReport> {
    const params = new URLSearchParams();
    if (options.days !== undefined) params.set('days', String(options.days));
    if (options.instance) params.set('instance', options.instance);
    for (const [param, value] of Object.entries(options.thresholds ?? {}))
      if (value) params.set(param, value);
    const query = params.toString();
    return this.#json(
      `/entity/${entityPath(entity)}/backtest${query ? `?${query}` : ''}`,
    );
  }

  async getOpenSlo(entity: CompoundEntityRef): Promise<DownloadedFile> {
    const response = await this.#fetch(
      `/entity/${entityPath(entity)}/openslo.yaml`,
    );
    return {
      blob: await response.blob(),
      fileName: fileNameFrom(response, `${entity.name}-openslo.yaml`),
    };
  }

  async getArtifact(
    entity: CompoundEntityRef,
    artifactId: ArtifactId,
  ): Promise<ArtifactText> {
    const response = await this.#fetch(
      `/entity/${entityPath(entity)}/artifacts/${encodeURIComponent(
        artifactId,
      )}`,
    );
    return {
      content: await response.text(),
      mediaType: (response.headers.get('content-type') ?? 'text/plain')
        .split(';')[0]
        .trim(),
    };
  }

  async getRunbook(
    entity: CompoundEntityRef,
    alert: string,
  ): Promise<RunbookResponse> {
    return this.#json(
      `/entity/${entityPath(entity)}/runbooks/${encodeURIComponent(alert)}`,
    );
  }

  async getBundle(
    entity: CompoundEntityRef,
    options: { files?: ArtifactId[] } = {},
  ): Promise<DownloadedFile> {
    const response = await this.#fetch(
      `/entity/${entityPath(entity)}/bundle.zip${fileSearch(options.files)}`,
    );
    return {
      blob: await response.blob(),
      fileName: fileNameFrom(response, `${entity.name}-observability.zip`),
    };
  }

  async applyArtifacts(
    entity: CompoundEntityRef,
    options: ApplyRequestBody = {},
  ): Promise<ApplyResponse> {
    return this.#json(`/entity/${entityPath(entity)}/apply`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(options),
    });
  }

  async previewApply(
    entity: CompoundEntityRef,
    options: ApplyRequestBody = {},
  ): Promise<ApplyPreviewResponse> {
    return this.#json(`/entity/${entityPath(entity)}/apply/preview`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(options),
    });
  }

  async getApplyHistory(
    entity: CompoundEntityRef,
  ): Promise<ApplyHistoryResponse> {
    return this.#json(`/entity/${entityPath(entity)}/apply`);
  }

  async getCoverage(query?: CoverageQuery): Promise<CoverageResponse> {
    return this.#json(`/coverage${coverageSearch(query)}`);
  }

  async getCoverageHistory(
    options: { team?: string } = {},
  ): Promise<CoverageHistoryPoint[]> {
    return this.#json(`/coverage/history${coverageSearch(options)}`);
  }

  async exportCoverageCsv(query?: CoverageQuery): Promise<DownloadedFile> {
    const response = await this.#fetch(
      `/coverage/export.csv${coverageSearch(query)}`,
    );
    return {
      blob: await response.blob(),
      fileName: fileNameFrom(response, 'observability-coverage.csv'),
    };
  }

  async getSloAttainment(
    query?: SloAttainmentQuery,
  ): Promise<SloAttainmentHistoryResponse> {
    return this.#json(`/coverage/attainment${coverageSearch(query)}`);
  }

  async exportSloAttainmentCsv(
    query?: SloAttainmentQuery,
  ): Promise<DownloadedFile> {
    const response = await this.#fetch(
      `/coverage/attainment.csv${coverageSearch(query)}`,
    );
    return {
      blob: await response.blob(),
      fileName: fileNameFrom(response, 'slo-attainment.csv'),
    };
  }

  async getCatalogAlertmanagerConfig(
    options: { team?: string } = {},
  ): Promise<DownloadedFile> {
    const { team } = options;
    const response = await this.#fetch(
      team === undefined
        ? '/alertmanager/config.yaml'
        : `/alertmanager/teams/${encodeURIComponent(team)}/config.yaml`,
    );
    return {
      blob: await response.blob(),
      fileName: fileNameFrom(
        response,
        team === undefined ? 'alertmanager.yaml' : `${team}-alertmanager.yaml`,
      ),
    };
  }

  async #json<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await this.#fetch(path, init);
    return (await response.json()) as T;
  }

  async #fetch(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('observability');
    const response = await this.#fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
