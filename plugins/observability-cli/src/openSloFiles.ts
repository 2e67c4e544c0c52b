/**
 * `redline.dev/openslo` naming a file: the CLI reads it from beside the
 * catalog file that declares the entity, as the portal reads it through its
 * URL reader, so both describe the entity from the same documents.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import {
  MAX_OPENSLO_BYTES,
  openSloFileReference,
  withOpenSloText,
} from '@redline/backstage-plugin-observability-common';
import type { Entity } from './catalogFiles';
import { messageOf } from './io';

/**
 * The entity with its OpenSLO file's text inlined, or the reason the file
 * could not be read. Entities without a file reference are returned as they are.
 */
export function withLocalOpenSlo(
  entity: Entity,
  catalogFile: string,
): { entity: Entity } | { error: string } {
  const reference = openSloFileReference(entity);
  if (reference === undefined) return { entity };
  const folder = dirname(resolve(catalogFile));
  const file = resolve(folder, reference);
  // openSloFileReference already refuses "..", this keeps a symlinked name honest too.
  if (!file.startsWith(folder + sep))
    return { error: `redline.dev/openslo ${reference} is outside ${folder}` };
  try {
    const text = readFileSync(file, 'utf8');
    if (text.length > MAX_OPENSLO_BYTES)
      return {
        error: `redline.dev/openslo ${reference} is larger than ${MAX_OPENSLO_BYTES} characters`,
      };
    return { entity: withOpenSloText(entity, text) };
  } catch (error) {
    return {
      error: `redline.dev/openslo ${reference} cannot be read (${messageOf(
        error,
      )})`,
    };
  }
}
