/**
 * Reads catalog descriptor files (`catalog-info.yaml` or a folder of them)
 * into entities, collecting every problem as a readable line with the file
 * and position instead of throwing.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import type { parseSpec } from '@redline/backstage-plugin-observability-common';
import { parseAllDocuments } from 'yaml';
import { messageOf } from './io';
import { withLocalOpenSlo } from './openSloFiles';
import { listYamlFiles } from './yamlFiles';

/** A catalog entity, as parseSpec takes it. */
export type Entity = Parameters<typeof parseSpec>[0];

/** An entity and where it came from. */
export interface LocatedEntity {
  entity: Entity;
  /** `file` or `file#n` (n = document index, from 1) for messages. */
  source: string;
}

/** Entities of every kind found, plus problems that make the input unreadable. */
export interface CatalogReadResult {
  files: string[];
  entities: LocatedEntity[];
  errors: string[];
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'dist-types']);

function isEntityLike(value: unknown): value is Entity {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return false;
  const v = value as Record<string, unknown>;
  const metadata = v.metadata as Record<string, unknown> | undefined;
  return (
    typeof v.kind === 'string' &&
    typeof v.apiVersion === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof metadata.name === 'string'
  );
}

function readFile(
  file: string,
  shown: string,
  result: CatalogReadResult,
): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    result.errors.push(`${shown}: cannot read file (${messageOf(error)})`);
    return;
  }
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const source = list.length > 1 ? `${shown}#${i + 1}` : shown;
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const pos = error.linePos?.[0];
        const where = pos ? `${shown}:${pos.line}:${pos.col}` : source;
        const message = error.message
          .split('\n')[0]
          .replace(/ at line \d+, column \d+:?$/, '');
        result.errors.push(`${where}: invalid YAML: ${message}`);
      }
      return;
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    if (!isEntityLike(value)) {
      result.errors.push(
        `${source}: not a catalog entity (apiVersion, kind and metadata.name are required)`,
      );
      return;
    }
    const located = withLocalOpenSlo(value, file);
    if ('error' in located) result.errors.push(`${source}: ${located.error}`);
    else result.entities.push({ entity: located.entity, source });
  });
}

/**
 * Reads one file or every `*.yaml`/`*.yml` under a folder (hidden entries,
 * `node_modules` and build output skipped), in a stable order.
 */
export function readCatalog(
  path: string,
  cwd = process.cwd(),
): CatalogReadResult {
  const result: CatalogReadResult = { files: [], entities: [], errors: [] };
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    result.errors.push(
      `${path}: ${
        code === 'ENOENT'
          ? 'no such file or folder'
          : `cannot read (${messageOf(error)})`
      }`,
    );
    return result;
  }
  let files: string[];
  try {
    files = isDir ? listYamlFiles(path, SKIPPED_DIRS) : [path];
  } catch (error) {
    result.errors.push(`${path}: cannot list folder (${messageOf(error)})`);
    return result;
  }
  if (isDir && files.length === 0) {
    result.errors.push(`${path}: no .yaml or .yml files in this folder`);
  }
  for (const file of files) {
    const shown = relative(cwd, file) || file;
    result.files.push(shown);
    readFile(file, shown.startsWith('..') ? file : shown, result);
  }
  return result;
}
