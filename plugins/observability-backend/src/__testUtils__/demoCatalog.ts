import fs from 'node:fs';
import path from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';

/** The demo catalog the portal ships with (`catalog/` at the repository root). */
export const DEMO_CATALOG_DIR = path.resolve(__dirname, '../../../../catalog');

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(entry => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

/** Every entity of every YAML file of the demo catalog, as the catalog would ingest them. */
export function loadDemoCatalog(): Entity[] {
  return yamlFiles(DEMO_CATALOG_DIR).flatMap(file =>
    parseAllDocuments(fs.readFileSync(file, 'utf8')).flatMap(doc => {
      if (doc.errors.length > 0)
        throw new Error(
          `${path.relative(DEMO_CATALOG_DIR, file)}: ${doc.errors[0].message}`,
        );
      const entity = doc.toJS() as Entity | null;
      return entity ? [entity] : [];
    }),
  );
}
