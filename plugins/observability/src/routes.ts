import {
  createExternalRouteRef,
  createRouteRef,
  createSubRouteRef,
} from '@backstage/core-plugin-api';

/** The coverage page, mounted at `/observability`. @public */
export const rootRouteRef = createRouteRef({ id: 'observability' });

/**
 * A generated runbook rendered in the portal. Generated alerts link here
 * (`/observability/runbooks/:namespace/:kind/:name/:alert`), so the path is
 * part of the contract with the generators and must not change.
 * @public
 */
export const runbookRouteRef = createSubRouteRef({
  id: 'observability/runbook',
  parent: rootRouteRef,
  path: '/runbooks/:namespace/:kind/:name/:alert',
});

/**
 * The scaffolder's template page. Optional: when the scaffolder plugin is not
 * installed (or, in the legacy system, the route is not bound) `useRouteRef`
 * returns undefined and the "Open pull request" link is not rendered. The new
 * frontend system binds it automatically through `defaultTarget`.
 * @public
 */
export const scaffolderTemplateRouteRef = createExternalRouteRef({
  id: 'observability-scaffolder-template',
  params: ['namespace', 'templateName'],
  optional: true,
  defaultTarget: 'scaffolder.selectedTemplate',
});
