import { InputError } from '@backstage/errors';
import type { ArtifactId } from '@redline/backstage-plugin-observability-common';
import { z } from 'zod';

/** Ids of chosen generated files, as the dialog's checkboxes send them. @internal */
export const fileSelectionSchema = z
  .array(
    z
      .string()
      .max(200, 'must be at most 200 characters')
      .regex(
        /^(?:[a-z][a-z-]*|runbook:[A-Za-z0-9_:.-]+)$/,
        'must be an artifact id like prometheus-rules or runbook:HighErrorRate',
      ),
  )
  .min(1, 'must name at least one file')
  .max(200, 'must name at most 200 files');

/**
 * The files of `available` named by `selection`, in `available`'s order; a
 * 400 naming `field[i]` for an id the entity has no file for, so a stale
 * selection is refused instead of silently shrinking.
 * @internal
 */
export function selectFiles<T extends { id: ArtifactId }>(
  available: readonly T[],
  selection: readonly string[] | undefined,
  field: string,
  entityRef: string,
): T[] {
  if (selection === undefined) return [...available];
  const ids = new Set(available.map(file => file.id));
  selection.forEach((id, index) => {
    if (!ids.has(id)) {
      throw new InputError(
        `Invalid ${field}[${index}]: ${entityRef} has no file '${id}' (available: ${[
          ...ids,
        ].join(', ')})`,
      );
    }
  });
  const chosen = new Set(selection);
  return available.filter(file => chosen.has(file.id));
}
