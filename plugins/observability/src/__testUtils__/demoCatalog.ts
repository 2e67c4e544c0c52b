/**
 * The demo catalog (`/catalog` at the repository root) as the catalog
 * backend would hand its entities to Redline, so the frontend's fixtures are
 * built from the same entities the portal shows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_NAMESPACE, type Entity } from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';

const CATALOG_DIR = path.resolve(__dirname, '../../../../catalog');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap(entry => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

function loadEntities(): Entity[] {
  return yamlFiles(CATALOG_DIR).flatMap(file =>
    parseAllDocuments(readFileSync(file, 'utf8')).map(doc => {
      if (doc.errors.length > 0) {
        throw new Error(
          `${path.relative(CATALOG_DIR, file)}: ${doc.errors[0].message}`,
        );
      }
      const entity = doc.toJS() as Entity;
      // The catalog fills in the namespace on ingestion; the demo files omit it.
      return {
        ...entity,
        metadata: {
          ...entity.metadata,
          namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
        },
      };
    }),
  );
}

let entities: Entity[] | undefined;

/** One entity of the demo catalog; throws when the catalog no longer has it. */
export function catalogEntity(name: string, kind = 'Component'): Entity {
  entities ??= loadEntities();
  const entity = entities.find(
    e =>
      e.kind.toLocaleLowerCase('en-US') === kind.toLocaleLowerCase('en-US') &&
      e.metadata.name === name,
  );
  if (!entity) {
    throw new Error(`The demo catalog has no ${kind} named ${name}`);
  }
  return entity;
}
