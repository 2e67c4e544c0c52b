export { observabilityApiRef } from './ObservabilityApi';
export type {
  ArtifactText,
  DownloadedFile,
  ObservabilityApi,
  SloAttainmentQuery,
} from './ObservabilityApi';
export { ObservabilityClient } from './ObservabilityClient';
