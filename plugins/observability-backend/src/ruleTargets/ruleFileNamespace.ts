import fs from 'node:fs/promises';
import path from 'node:path';
import {
  renderRuleFileYaml,
  type LooseRuleGroup,
  type RuleGroup,
} from '@redline/backstage-plugin-observability-common';
import { parse } from 'yaml';
import {
  readIfExists,
  ruleFileNameFor,
  withOwnerHeader,
  writeFileAtomically,
} from '../services/RuleFiles';

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

  /** Whether the file changed. */
  async write(
    namespace: string,
    groups: readonly RuleGroup[],
  ): Promise<boolean> {
    const fileName = this.fileName(namespace);
    // Apply's rendering, so a file either of them wrote reads as unchanged
    // to the other.
    const content = withOwnerHeader(
      namespace,
      renderRuleFileYaml({ groups: [...groups] }),
    );
    const existing = await readIfExists(path.join(this.#directory, fileName));
    if (existing === content) return false;
    await writeFileAtomically(this.#directory, fileName, content);
    return true;
  }

  /**
   * The namespace's file made to hold `groups` (none: removed); whether it
   * changed, so file-loading engines reload only then.
   */
  async replace(
    namespace: string,
    groups: readonly RuleGroup[],
  ): Promise<boolean> {
    return groups.length === 0
      ? this.delete(namespace)
      : this.write(namespace, groups);
  }

  /** The groups of the namespace's file; none when Redline wrote none. */
  async read(namespace: string): Promise<LooseRuleGroup[]> {
    const content = await this.#ownedContent(namespace);
    if (content === undefined) return [];
    try {
      const groups = (parse(content) as { groups?: unknown } | null)?.groups;
      return Array.isArray(groups) ? (groups as LooseRuleGroup[]) : [];
    } catch {
      // The engine loads no group from such a file either; writing replaces it.
      return [];
    }
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
