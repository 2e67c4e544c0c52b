/** The demo catalog's Components (`catalog/` at the repository root), read as the catalog would ingest them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';

const CATALOG_DIR = resolve(__dirname, '../../../../../catalog');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

let components: Entity[] | undefined;

/** Every Component of the demo catalog. */
export function demoComponents(): Entity[] {
  components ??= yamlFiles(CATALOG_DIR)
    .flatMap(file =>
      parseAllDocuments(readFileSync(file, 'utf8')).map(
        doc => doc.toJS() as Entity,
      ),
    )
    .filter(entity => entity?.kind === 'Component');
  return components;
}

/** One demo Component by name. */
export function demoComponent(name: string): Entity {
  const found = demoComponents().find(e => e.metadata.name === name);
  if (!found) throw new Error(`no Component ${name} in catalog/`);
  return found;
}
