import type { Entity } from '@backstage/catalog-model';

/**
 * The entity as if these annotations were set: how proposed or tuned values
 * reach the describe step, so the one parser validates them and every
 * artifact follows from them as it would from the catalog.
 * @internal
 */
export function withAnnotations(
  entity: Entity,
  annotations: Record<string, string>,
): Entity {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: { ...entity.metadata.annotations, ...annotations },
    },
  };
}
