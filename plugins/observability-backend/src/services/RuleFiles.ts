import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { parse } from 'yaml';

const OWNER_HEADER = '# redline-entity: ';

/** The catalog compares entity refs case-insensitively; so do files. @internal */
export function normalizeEntityRef(entityRef: string): string {
  return stringifyEntityRef(parseEntityRef(entityRef));
}

/**
 * `redline-<kind>-<namespace>-<name>.yaml`, matched by the `redline-*.yaml`
 * glob operators put in Prometheus' `rule_files`. The readable form is only
 * used where it cannot be read two ways: kind and namespace without `-`, a
 * name of catalog-valid characters with no doubled separator. Anything else
 * gets a sanitised prefix and `--` plus a hash of the whole ref; `--` never
 * occurs in a readable name, so the two forms cannot meet either.
 * @internal
 */
export function ruleFileNameFor(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(
    normalizeEntityRef(entityRef),
  );
  const readable = `${kind}-${namespace}-${name}`;
  if (
    /^[a-z0-9]+$/.test(kind) &&
    /^[a-z0-9]+$/.test(namespace) &&
    /^[a-z0-9]+([-_.][a-z0-9]+)*$/.test(name) &&
    readable.length <= 200
  ) {
    return `redline-${readable}.yaml`;
  }
  const prefix = readable.replace(/[^a-z0-9_.-]/g, '_').slice(0, 100);
  const hash = createHash('sha256')
    .update(`${kind}:${namespace}/${name}`)
    .digest('hex')
    .slice(0, 16);
  return `redline-${prefix}--${hash}.yaml`;
}

/** The rules as written: the owning entity on the first line. @internal */
export function withOwnerHeader(entityRef: string, rules: string): string {
  return `${OWNER_HEADER}${normalizeEntityRef(entityRef)}\n${rules}`;
}

/** A `redline-*.yaml` file found in a rules directory. @internal */
export interface RuleFile {
  name: string;
  /** From the ownership header; absent on files written before it existed. */
  owner?: string;
  groups: string[];
}

/** Rule group names of a rules file; none when it does not parse. @internal */
export function ruleGroupNames(content: string): string[] {
  try {
    const groups = (parse(content) as { groups?: unknown })?.groups;
    if (!Array.isArray(groups)) return [];
    return groups.flatMap(g =>
      typeof g?.name === 'string' ? [g.name as string] : [],
    );
  } catch {
    // Prometheus rejects such a file too: it loads no group to collide with.
    return [];
  }
}

/** Every `redline-*.yaml` file of `directory` (none when it does not exist yet). @internal */
export async function readRuleFiles(directory: string): Promise<RuleFile[]> {
  const names = await fs.readdir(directory).catch(error => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const files = await Promise.all(
    names
      .filter(name => /^redline-.*\.yaml$/.test(name))
      .map(async (name): Promise<RuleFile | undefined> => {
        const content = await readIfExists(path.join(directory, name));
        if (content === undefined) return undefined;
        const end = content.indexOf('\n');
        const firstLine = end === -1 ? content : content.slice(0, end);
        const owner = firstLine.startsWith(OWNER_HEADER)
          ? firstLine.slice(OWNER_HEADER.length).trim()
          : undefined;
        return { name, owner, groups: ruleGroupNames(content) };
      }),
  );
  return files.filter((f): f is RuleFile => f !== undefined);
}

/** The file's content, or undefined when there is none. @internal */
export async function readIfExists(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').catch(error => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

/**
 * Writes `directory/fileName` so a reader sees the old content or the new,
 * never part of it. @internal
 */
export async function writeFileAtomically(
  directory: string,
  fileName: string,
  content: string,
): Promise<void> {
  await fs.mkdir(directory, { recursive: true });
  // Same directory as the target, so rename is atomic (same file system);
  // the dot prefix and .tmp suffix keep it out of a `*.yaml` rule_files glob.
  const temporary = path.join(
    directory,
    `.${fileName}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await fs.writeFile(temporary, content, { encoding: 'utf8', mode: 0o644 });
    await fs.rename(temporary, path.join(directory, fileName));
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}
