export { observabilityApiRef } from './ObservabilityApi';
export type {
  ArtifactText,
  DownloadedFile,
  ObservabilityApi,
} from './ObservabilityApi';
export { ObservabilityClient } from './ObservabilityClient';
