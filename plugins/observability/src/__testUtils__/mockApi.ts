import type { ObservabilityApi } from '../api';

/** An ObservabilityApi whose every method rejects unless the test overrides it. */
export function mockObservabilityApi(
  overrides: Partial<ObservabilityApi> = {},
): jest.Mocked<ObservabilityApi> {
  const unexpected = (name: string) =>
    jest.fn(() => Promise.reject(new Error(`unexpected call to ${name}`)));
  return {
    getEntityView: unexpected('getEntityView'),
    getEntitySlos: unexpected('getEntitySlos'),
    getEntityBacktest: unexpected('getEntityBacktest'),
    getOpenSlo: unexpected('getOpenSlo'),
    getArtifact: unexpected('getArtifact'),
    getRunbook: unexpected('getRunbook'),
    getBundle: unexpected('getBundle'),
    applyArtifacts: unexpected('applyArtifacts'),
    previewApply: unexpected('previewApply'),
    getApplyHistory: unexpected('getApplyHistory'),
    getCoverage: unexpected('getCoverage'),
    getCoverageHistory: unexpected('getCoverageHistory'),
    exportCoverageCsv: unexpected('exportCoverageCsv'),
    getSloAttainment: unexpected('getSloAttainment'),
    exportSloAttainmentCsv: unexpected('exportSloAttainmentCsv'),
    getCatalogAlertmanagerConfig: unexpected('getCatalogAlertmanagerConfig'),
    ...Object.fromEntries(
      Object.entries(overrides).map(([k, v]) => [k, jest.fn(v as any)]),
    ),
  } as unknown as jest.Mocked<ObservabilityApi>;
}

/** A promise that never settles, to hold a component in its loading state. */
export const pending = <T>(): Promise<T> => new Promise<T>(() => {});
