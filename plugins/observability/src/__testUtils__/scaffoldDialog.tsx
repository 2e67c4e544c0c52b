import userEvent, {
  PointerEventsCheckLevel,
} from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import {
  artifactFileInfo,
  DEFAULT_GENERATOR_CONFIG,
  describeEntity,
  type ApplyPreviewResponse,
  type SloSuggestion,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef, type ObservabilityApi } from '../api';
import { scaffolderTemplateRouteRef } from '../routes';
import { ScaffoldAlertsDialog } from '../components/ScaffoldAlertsDialog';
import { catalogEntity } from './demoCatalog';

export const entityRef = {
  kind: 'Component',
  namespace: 'default',
  name: 'checkout',
};
/**
 * The files the dialog lists for checkout, from the generator itself. Only
 * checkout is described: the full tab fixtures cost seconds to import.
 */
const checkoutDescription = describeEntity(
  catalogEntity('checkout'),
  DEFAULT_GENERATOR_CONFIG,
);
export const checkoutView = {
  entityRef: 'component:default/checkout',
  artifacts: checkoutDescription.artifacts.files.map(artifactFileInfo),
};
/** What the dialog needs to backtest checkout and offer its SLOs as OpenSLO. */
export const checkoutBacktestView = {
  redTargets: checkoutDescription.redTargets,
  spec: checkoutDescription.spec,
};

export const rules = 'groups:\n  - name: checkout-red\n    rules: []\n';
export const noHistory = async () => ({
  entityRef: checkoutView.entityRef,
  items: [],
});
export const rulesText = async () => ({
  content: rules,
  mediaType: 'application/yaml',
});

/** What the backend answers for a first apply of checkout's rules. */
export const firstDeployPreview: ApplyPreviewResponse = {
  entityRef: checkoutView.entityRef,
  instance: 'default',
  fileName: 'redline-component-default-checkout.yaml',
  deployed: true,
  changed: true,
  diff: [
    { kind: 'same', text: '# redline-entity: component:default/checkout' },
    { kind: 'removed', text: '        for: 10m' },
    { kind: 'added', text: '        for: 5m' },
  ],
  added: 1,
  removed: 1,
};

export async function renderDialog(
  api: ObservabilityApi,
  options: {
    canApply?: boolean;
    artifacts?: typeof checkoutView.artifacts;
    scaffolder?: boolean;
    suggestion?: SloSuggestion;
    /** Lets the dialog backtest (RED targets) and export OpenSLO (spec). */
    backtest?: boolean;
  } = {},
) {
  const view = {
    artifacts: options.artifacts ?? checkoutView.artifacts,
    canApply: options.canApply ?? true,
    ...(options.backtest ? checkoutBacktestView : {}),
  };
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <ScaffoldAlertsDialog
        open
        onClose={jest.fn()}
        entityRef={entityRef}
        view={view}
        suggestion={options.suggestion}
      />
    </TestApiProvider>,
    options.scaffolder
      ? {
          mountedRoutes: {
            '/create/templates/:namespace/:templateName':
              scaffolderTemplateRouteRef,
          },
        }
      : {},
  );
}

export async function forbidden(): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: {
          name: 'NotAllowedError',
          message: 'Not allowed to apply artifacts',
        },
        response: { statusCode: 403 },
      }),
      {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

/**
 * A user without typing delays and without the `pointer-events` check, which
 * reads the computed style of every ancestor on each click: the dialog's
 * tests click a lot, and nothing in it disables pointer events.
 */
export function fastUser() {
  return userEvent.setup({
    delay: null,
    pointerEventsCheck: PointerEventsCheckLevel.Never,
    skipHover: true,
  });
}
