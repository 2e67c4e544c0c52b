import type { ObservabilitySpec } from '../spec/types';

/**
 * Whether the entity carries any observability annotation, valid or not. An
 * entity whose every annotation is invalid has metadata to correct (its
 * findings say how), not metadata to start writing: only one with none at
 * all gets the "no observability metadata yet" guide.
 * @public
 */
export function hasObservabilityMetadata(
  spec: Pick<ObservabilitySpec, 'presentAnnotations'>,
): boolean {
  return spec.presentAnnotations.length > 0;
}
