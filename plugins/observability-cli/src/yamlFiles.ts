import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const YAML_FILE = /\.ya?ml$/i;

/**
 * Every `.yaml`/`.yml` file below `dir`, sorted so output is stable, skipping
 * dot-folders and the named folders. Shared by `generate` (catalog files) and
 * `lint` (rule files), which differ only in what they skip.
 */
export function listYamlFiles(
  dir: string,
  skippedDirs: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name, 'en'),
  );
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skippedDirs.has(entry.name))
        out.push(...listYamlFiles(path, skippedDirs));
    } else if (entry.isFile() && YAML_FILE.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/** Whether a file name looks like YAML. */
export const isYamlFileName = (name: string) => YAML_FILE.test(name);
