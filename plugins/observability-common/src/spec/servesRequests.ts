/**
 * Which entities serve requests, and so get RED targets, SLOs and alerts.
 * The rule, documented in docs/annotations.md: a Component serves requests
 * when its `spec.type` is one of `observability.servingComponentTypes`
 * (default `service`); a library or a static website does not. An entity of
 * another kind, or a Component without a type, is taken to serve requests:
 * there is nothing to tell otherwise, and leaving a service unwatched is
 * worse than watching a library.
 */
import type { Entity } from '@backstage/catalog-model';
import type { Finding, SloSpec } from './types';

/** Component types that serve requests unless configured otherwise. @public */
export const DEFAULT_SERVING_COMPONENT_TYPES: readonly string[] = ['service'];

/** What an entity is, as far as request serving goes. @public */
export interface EntityRole {
  /** The Component's `spec.type`, lower-cased; absent for other kinds. */
  componentType?: string;
  servesRequests: boolean;
}

/** @public */
export function entityRole(
  entity: Pick<Entity, 'kind'> & { spec?: Entity['spec'] },
  servingTypes: readonly string[] = DEFAULT_SERVING_COMPONENT_TYPES,
): EntityRole {
  const type = entity.spec?.type;
  // An entity without a kind is read as a Component, as `parseSpec` does.
  const kind =
    (typeof entity.kind === 'string' && entity.kind.trim()) || 'Component';
  if (kind.toLowerCase() !== 'component' || typeof type !== 'string')
    return { servesRequests: true };
  const componentType = type.trim().toLowerCase();
  return {
    componentType,
    servesRequests: servingTypes.some(t => t.toLowerCase() === componentType),
  };
}

/**
 * The findings and SLOs of an entity that serves no requests: the advice to
 * declare an SLO or a runbook does not apply to it, a declared SLO is
 * ignored (with a warning saying so), and one finding says what it is.
 */
export function notServingRequests(
  componentType: string,
  findings: readonly Finding[],
  slos: readonly SloSpec[],
): { findings: Finding[]; slos: SloSpec[] } {
  const kept = findings.filter(f => f.id !== 'annotation.missing');
  kept.push({
    id: 'entity.not-serving',
    severity: 'info',
    value: componentType,
    message: `This is a ${componentType}, not a service: Redline generates no RED targets, SLOs or alerts for it. If it serves requests, add "${componentType}" to observability.servingComponentTypes.`,
  });
  if (slos.length > 0) {
    kept.push({
      id: 'entity.not-serving-slo',
      severity: 'warning',
      value: componentType,
      message: `The SLO annotations of this ${componentType} are ignored: only Components whose spec.type is in observability.servingComponentTypes get SLOs.`,
    });
  }
  return { findings: kept, slos: [] };
}
