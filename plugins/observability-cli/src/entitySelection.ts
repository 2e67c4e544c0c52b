/**
 * Which Components a command that takes "an entity ref or catalog files"
 * works on. A deploy pipeline knows its service by name, not by where its
 * catalog file lives, so a ref is looked up in the catalog files.
 */
import { existsSync } from 'node:fs';
import type { Entity, LocatedEntity } from './catalogFiles';

/** `kind:namespace/name`, as Backstage spells refs. */
export interface EntityRefParts {
  kind: string;
  namespace: string;
  name: string;
}

const REF =
  /^(?:([A-Za-z][A-Za-z0-9]*):)?(?:([A-Za-z0-9][A-Za-z0-9._-]*)\/)?([A-Za-z0-9][A-Za-z0-9._-]*)$/;

/** Parses `[kind:][namespace/]name` (kind defaults to component, namespace to default). */
export function parseEntityRef(ref: string): EntityRefParts | undefined {
  const match = REF.exec(ref);
  if (!match) return undefined;
  return {
    kind: (match[1] ?? 'component').toLocaleLowerCase('en-US'),
    namespace: (match[2] ?? 'default').toLocaleLowerCase('en-US'),
    name: match[3],
  };
}

/**
 * Whether the argument means catalog files rather than an entity: it names
 * an existing file or folder and has no `kind:` prefix (which no sensible
 * path has), so `checkout` is a ref unless a `checkout` folder is there.
 */
export function isCatalogPath(argument: string): boolean {
  if (/^[A-Za-z][A-Za-z0-9]*:(?![\\/])/.test(argument)) return false;
  return existsSync(argument) || /\.ya?ml$/i.test(argument);
}

/** `kind:namespace/name` of an entity, lower-cased where Backstage ignores case. */
export function refOf(entity: Entity): string {
  return `${entity.kind.toLocaleLowerCase('en-US')}:${
    entity.metadata.namespace ?? 'default'
  }/${entity.metadata.name}`;
}

/** The catalog entity `ref` names; Backstage compares refs without case. */
export function findEntity(
  entities: readonly LocatedEntity[],
  ref: EntityRefParts,
): LocatedEntity | undefined {
  const lower = (s: string) => s.toLocaleLowerCase('en-US');
  return entities.find(
    ({ entity }) =>
      lower(entity.kind) === ref.kind &&
      lower(entity.metadata.namespace ?? 'default') === ref.namespace &&
      lower(entity.metadata.name) === lower(ref.name),
  );
}
