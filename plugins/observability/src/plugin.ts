import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import type { JSX } from 'react';
import type { ObservabilityPageProps } from './components/ObservabilityPage';
import { ObservabilityClient, observabilityApiRef } from './api';
import {
  rootRouteRef,
  runbookRouteRef,
  scaffolderTemplateRouteRef,
} from './routes';

/**
 * Redline's frontend plugin for apps on the legacy frontend system. Apps on
 * the new system use the default export of `/alpha` instead.
 * @public
 */
export const observabilityPlugin = createPlugin({
  id: 'observability',
  apis: [
    createApiFactory({
      api: observabilityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ObservabilityClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef, runbook: runbookRouteRef },
  externalRoutes: { scaffolderTemplate: scaffolderTemplateRouteRef },
});

/**
 * The coverage page with the runbook sub-route; mount it at `/observability`
 * (generated alerts link to `/observability/runbooks/…`).
 * @public
 */
export const ObservabilityPage: (props: ObservabilityPageProps) => JSX.Element =
  observabilityPlugin.provide(
    createRoutableExtension({
      name: 'ObservabilityPage',
      component: () =>
        import('./components/ObservabilityPage').then(m => m.ObservabilityPage),
      mountPoint: rootRouteRef,
    }),
  );

/**
 * The Observability tab; place it in an `EntityLayout.Route path="/observability"`.
 * @public
 */
export const EntityObservabilityContent: () => JSX.Element =
  observabilityPlugin.provide(
    createComponentExtension({
      name: 'EntityObservabilityContent',
      component: {
        lazy: () =>
          import('./components/EntityObservabilityContent').then(
            m => m.EntityObservabilityContent,
          ),
      },
    }),
  );

/**
 * The overview card: confidence score and the most important failing check.
 * @public
 */
export const EntityObservabilityCard: () => JSX.Element =
  observabilityPlugin.provide(
    createComponentExtension({
      name: 'EntityObservabilityCard',
      component: {
        lazy: () =>
          import('./components/EntityObservabilityCard').then(
            m => m.EntityObservabilityCard,
          ),
      },
    }),
  );
