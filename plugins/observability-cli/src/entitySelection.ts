/**
 * Which Components a command that takes "an entity ref or catalog files"
 * works on. A deploy pipeline knows its service by name, not by where its
 * catalog file lives, so a ref is looked up in the catalog files.
 */
import { existsSync } from 'node:fs';
import { readCatalog, type Entity, type LocatedEntity } from './catalogFiles';

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

/** The Components a command works on, or why there are none. */
export type ComponentSelection =
  | { components: LocatedEntity[] }
  | { error: string };

/**
 * The Components `target` names: every Component of the catalog files it
 * names, or the one Component its entity ref names in the catalog files at
 * `catalogPath`. `consequence` ends each error ("nothing was gated"), and
 * `componentsOnly` says why another kind cannot be used.
 */
export function selectComponents(
  target: string,
  catalogPath: string,
  wording: { consequence: string; componentsOnly: string },
): ComponentSelection {
  const byPath = isCatalogPath(target);
  const catalog = readCatalog(byPath ? target : catalogPath);
  const { consequence, componentsOnly } = wording;
  if (catalog.errors.length > 0)
    return {
      error: `${catalog.errors.join(
        '\n',
      )}\nthe catalog could not be read; ${consequence}.`,
    };
  const isComponent = (e: LocatedEntity) =>
    e.entity.kind.toLocaleLowerCase('en-US') === 'component';
  if (byPath) {
    const components = catalog.entities.filter(isComponent);
    return components.length > 0
      ? { components }
      : {
          error: `no Component entities in ${target} (${catalog.entities.length} other entities in ${catalog.files.length} files); ${consequence}.`,
        };
  }
  const ref = parseEntityRef(target)!;
  const found = findEntity(catalog.entities, ref);
  if (!found)
    return {
      error: `${ref.kind}:${ref.namespace}/${ref.name} is not in the catalog files at ${catalogPath} (${catalog.entities.length} entities in ${catalog.files.length} files); ${consequence}.`,
    };
  if (!isComponent(found))
    return {
      error: `${ref.kind}:${ref.namespace}/${ref.name} (${found.source}) is a ${found.entity.kind}; ${componentsOnly}.`,
    };
  return { components: [found] };
}
