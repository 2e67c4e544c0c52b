export { observabilityApiRef } from './ObservabilityApi';
export type {
  ArtifactText,
  CoverageQuery,
  DownloadedFile,
  ObservabilityApi,
} from './ObservabilityApi';
export { ObservabilityClient } from './ObservabilityClient';
