import { configApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import {
  type CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { ArtifactId } from '@redline/backstage-plugin-observability-common';
import { scaffolderTemplateRouteRef } from '../../routes';

/** Default template used by "Open pull request"; override with `observability.scaffolderTemplate`. */
export const DEFAULT_SCAFFOLDER_TEMPLATE =
  'template:default/redline-observability-pull-request';

/**
 * Link to the scaffolder template that opens a pull request with the
 * generated files, or undefined when the scaffolder is not installed (the
 * optional external route is then unbound).
 */
export function usePullRequestLink(
  entityRef: CompoundEntityRef,
  artifacts: ArtifactId[],
  proposedAnnotations?: Record<string, string>,
): string | undefined {
  const templateRoute = useRouteRef(scaffolderTemplateRouteRef);
  const config = useApi(configApiRef);
  if (!templateRoute) return undefined;
  const template = parseEntityRef(
    config.getOptionalString('observability.scaffolderTemplate') ??
      DEFAULT_SCAFFOLDER_TEMPLATE,
    { defaultKind: 'template', defaultNamespace: 'default' },
  );
  const formData = {
    entityRef: stringifyEntityRef(entityRef),
    artifacts,
    // An accepted SLO proposal travels into the pull request.
    ...(proposedAnnotations ? { proposedAnnotations } : {}),
  };
  return `${templateRoute({
    namespace: template.namespace,
    templateName: template.name,
  })}?formData=${encodeURIComponent(JSON.stringify(formData))}`;
}
