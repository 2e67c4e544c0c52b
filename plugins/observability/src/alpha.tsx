import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import MonitorHeartIcon from '@mui/icons-material/MonitorHeart';
import { ObservabilityClient, observabilityApiRef } from './api';
import {
  rootRouteRef,
  runbookRouteRef,
  scaffolderTemplateRouteRef,
} from './routes';

/** The kinds Redline describes: services, their APIs and their resources. */
const servedKinds = { kind: { $in: ['component', 'api', 'resource'] } };

/** @alpha */
export const observabilityApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: observabilityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ObservabilityClient({ discoveryApi, fetchApi }),
    }),
});

/** Coverage page at `/observability` (with the runbook sub-route); its title and icon make the nav item. @alpha */
export const observabilityPage = PageBlueprint.make({
  params: {
    path: '/observability',
    routeRef: rootRouteRef,
    title: 'Observability',
    icon: <MonitorHeartIcon fontSize="inherit" />,
    loader: () =>
      import('./components/ObservabilityPage').then(m => (
        <m.ObservabilityPage header={false} />
      )),
  },
});

/** The Observability tab on entity pages. @alpha */
export const observabilityEntityContent = EntityContentBlueprint.make({
  name: 'observability',
  params: {
    path: 'observability',
    title: 'Observability',
    filter: servedKinds,
    loader: () =>
      import('./components/EntityObservabilityContent').then(m => (
        <m.EntityObservabilityContent />
      )),
  },
});

/** The overview card. @alpha */
export const observabilityEntityCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: servedKinds,
    loader: () =>
      import('./components/EntityObservabilityCard').then(m => (
        <m.EntityObservabilityCard />
      )),
  },
});

/**
 * Redline for the new frontend system. `packages/app` discovers it through
 * `app.packages: all`.
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'observability',
  title: 'Observability',
  icon: <MonitorHeartIcon fontSize="inherit" />,
  routes: { root: rootRouteRef, runbook: runbookRouteRef },
  externalRoutes: { scaffolderTemplate: scaffolderTemplateRouteRef },
  extensions: [
    observabilityApi,
    observabilityPage,
    observabilityEntityContent,
    observabilityEntityCard,
  ],
});
