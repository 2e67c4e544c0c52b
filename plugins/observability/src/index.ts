/**
 * Redline's frontend: the Observability tab, the Scaffold alerts dialog, the
 * coverage page and the overview card (legacy frontend system; see `/alpha`
 * for the new one).
 *
 * @packageDocumentation
 */
export {
  observabilityPlugin,
  ObservabilityPage,
  EntityObservabilityContent,
  EntityObservabilityCard,
} from './plugin';
export type { ObservabilityPageProps } from './components/ObservabilityPage';
export { observabilityApiRef, ObservabilityClient } from './api';
export type {
  ObservabilityApi,
  ArtifactText,
  DownloadedFile,
  SloAttainmentQuery,
} from './api';
export {
  rootRouteRef,
  runbookRouteRef,
  scaffolderTemplateRouteRef,
} from './routes';
