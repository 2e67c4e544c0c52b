import fs from 'node:fs/promises';
import path from 'node:path';
import {
  renderRuleFileYaml,
  type DeployedNamespace,
  type LooseRuleGroup,
  type RuleGroup,
} from '@redline/backstage-plugin-observability-common';
import { parse } from 'yaml';
import {
  normalizeEntityRef,
  readIfExists,
  ruleFileNameFor,
  withOwnerHeader,
  writeFileAtomically,
} from '../services/RuleFiles';

import type { RequestContext } from '../telemetry/context';
import type {
  ListOptions,
  RuleTarget,
  RuleTargetHttp,
  WriteOptions,
  WriteOutcome,
} from './RuleTarget';

const OWNED_FILE = /^redline-.*\.yaml$/;

/**
 * A namespace kept as one rule file in a directory, named and headed the way
 * Apply writes it, so Apply and the targets agree on whose file is whose.
 * @internal
 */
export class RuleFileNamespaces {
  readonly #directory: string;

  constructor(directory: string) {
    this.#directory = path.resolve(directory);
  }

  fileName(namespace: string): string {
    return ruleFileNameFor(namespace);
  }

  /** Bytes written; 0 when the file already held exactly this. */
  async write(
    namespace: string,
    groups: readonly RuleGroup[],
  ): Promise<number> {
    const fileName = this.fileName(namespace);
    const content = rendered(namespace, groups);
    const existing = await readIfExists(path.join(this.#directory, fileName));
    if (existing === content) return 0;
    await writeFileAtomically(this.#directory, fileName, content);
    return Buffer.byteLength(content);
  }

  /**
   * The namespace's file made to hold `groups` (none: removed); whether it
   * changed, so file-loading engines reload only then, and bytes written.
   */
  async replace(
    namespace: string,
    groups: readonly RuleGroup[],
  ): Promise<{ changed: boolean; bytes: number }> {
    if (groups.length === 0)
      return { changed: await this.delete(namespace), bytes: 0 };
    const bytes = await this.write(namespace, groups);
    return { changed: bytes > 0, bytes };
  }

  /** The groups of the namespace's file; none when Redline wrote none. */
  async read(namespace: string): Promise<LooseRuleGroup[]> {
    const content = await this.#ownedContent(namespace);
    return content === undefined ? [] : groupsOf(content);
  }

  /**
   * Every file Redline wrote in the directory, by the entity its header
   * names. A `redline-*.yaml` without the header (someone else's, or written
   * before headers existed) or whose name is not the one Redline gives that
   * entity is left out: a sync must never delete it. A file that is byte for
   * byte what `write` would make of its entity's `declared` groups is listed
   * with those, unparsed.
   */
  async list(options: ListOptions = {}): Promise<DeployedNamespace[]> {
    const names = await fs.readdir(this.#directory).catch(error => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const listed: DeployedNamespace[] = [];
    for (const fileName of names.filter(name => OWNED_FILE.test(name))) {
      const content = await readIfExists(path.join(this.#directory, fileName));
      const entityRef = content && ownerOf(content);
      if (!entityRef || this.fileName(entityRef) !== fileName) continue;
      const declared = options.declared?.get(entityRef);
      const unchanged =
        declared !== undefined && content === rendered(entityRef, declared);
      listed.push({
        entityRef,
        groups: unchanged ? [...declared] : groupsOf(content),
      });
    }
    return listed;
  }

  /** Whether a file was removed. */
  async delete(namespace: string): Promise<boolean> {
    if ((await this.#ownedContent(namespace)) === undefined) return false;
    await fs.rm(path.join(this.#directory, this.fileName(namespace)), {
      force: true,
    });
    return true;
  }

  /**
   * The file's content when its header names this namespace. The hashed
   * form of a file name could in principle be shared; the header decides.
   */
  async #ownedContent(namespace: string): Promise<string | undefined> {
    const content = await readIfExists(
      path.join(this.#directory, this.fileName(namespace)),
    );
    if (content === undefined) return undefined;
    return content.startsWith(withOwnerHeader(namespace, ''))
      ? content
      : undefined;
  }
}

/**
 * The file of an entity's groups: Apply's rendering, so a file either of
 * them wrote reads as unchanged to the other.
 */
function rendered(entityRef: string, groups: readonly RuleGroup[]): string {
  return withOwnerHeader(
    entityRef,
    renderRuleFileYaml({ groups: [...groups] }),
  );
}

/**
 * The entity a file's header names, normalised; undefined without one. The
 * header is checked against `withOwnerHeader`, so the two cannot drift.
 */
function ownerOf(content: string): string | undefined {
  const named = /^# redline-entity: (\S+)\n/.exec(content)?.[1];
  if (!named) return undefined;
  try {
    const entityRef = normalizeEntityRef(named);
    return content.startsWith(withOwnerHeader(entityRef, ''))
      ? entityRef
      : undefined;
  } catch {
    return undefined;
  }
}

function groupsOf(content: string): LooseRuleGroup[] {
  try {
    const groups = (parse(content) as { groups?: unknown } | null)?.groups;
    return Array.isArray(groups) ? (groups as LooseRuleGroup[]) : [];
  } catch {
    // The engine loads no group from such a file either; writing replaces it.
    return [];
  }
}

/**
 * What every file target does alike, whichever engine loads the files:
 * write and delete a namespace's file, reloading the engine at `url` when
 * it changed (unless the caller reloads once after a batch), and list the
 * files, which are what a sync makes match the catalog (an engine may
 * reload asynchronously). Each target adds how it reads deployed groups.
 */
export function fileTargetOperations(
  files: RuleFileNamespaces,
  http: RuleTargetHttp,
  { target, url }: { target: string; url: string },
): Pick<RuleTarget, 'write' | 'delete' | 'list' | 'reload' | 'locationOf'> {
  const reloadUrl = `${url.replace(/\/$/, '')}/-/reload`;
  const reload = async (ctx: RequestContext): Promise<WriteOutcome> => {
    await http.send({ target, url: reloadUrl, method: 'POST' }, ctx);
    return { changed: true, requests: 1, bytes: 0 };
  };
  const afterWrite = async (
    file: { changed: boolean; bytes: number },
    ctx: RequestContext,
    options: WriteOptions = {},
  ): Promise<WriteOutcome> => {
    const written = { changed: file.changed, requests: 0, bytes: file.bytes };
    if (!file.changed || options.reload === false) return written;
    return { ...written, requests: (await reload(ctx)).requests };
  };
  return {
    write: async (namespace, groups, ctx, options) =>
      afterWrite(await files.replace(namespace, groups), ctx, options),
    delete: async (namespace, ctx, options) =>
      afterWrite(
        { changed: await files.delete(namespace), bytes: 0 },
        ctx,
        options,
      ),
    list: async (_ctx, options) => files.list(options),
    reload,
    locationOf: namespace => files.fileName(namespace),
  };
}
