/**
 * Reads the OpenSLO file `redline.dev/openslo` names, beside the entity's
 * catalog file: through Backstage's URL reader for `url:` locations (so the
 * integrations' credentials and allow-lists apply), from disk for `file:`
 * locations, which the catalog itself reads from disk. The text is inlined
 * into the entity before it is described; a file that cannot be read
 * leaves the entity as it is, and describing it reports `openslo.unread`.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import {
  MAX_OPENSLO_BYTES,
  openSloFileReference,
  withOpenSloText,
} from '@redline/backstage-plugin-observability-common';

/** How long a read file is reused: the catalog re-reads its sources every few minutes too. */
const DEFAULT_TTL_MS = 60_000;
const MAX_CACHED = 200;

/** @public */
export class OpenSloFileReader {
  readonly #urlReader: UrlReaderService;
  readonly #logger: LoggerService;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { text: string; at: number }>();

  static create(options: {
    urlReader: UrlReaderService;
    logger: LoggerService;
    ttlMs?: number;
    now?: () => number;
  }): OpenSloFileReader {
    return new OpenSloFileReader(options);
  }

  private constructor(options: {
    urlReader: UrlReaderService;
    logger: LoggerService;
    ttlMs?: number;
    now?: () => number;
  }) {
    this.#urlReader = options.urlReader;
    this.#logger = options.logger;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The entity with its OpenSLO file inlined; unchanged when it names none or the file cannot be read. */
  async inline(entity: Entity): Promise<Entity> {
    const reference = openSloFileReference(entity);
    if (reference === undefined) return entity;
    const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
    try {
      if (!location)
        throw new Error(`the entity has no ${ANNOTATION_LOCATION}`);
      const text = await this.#read(location, reference);
      return withOpenSloText(entity, text);
    } catch (error) {
      this.#logger.warn(
        `OpenSLO: could not read ${reference} for ${entity.metadata.name}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
      return entity;
    }
  }

  async #read(location: string, reference: string): Promise<string> {
    const key = `${location}\u0000${reference}`;
    const cached = this.#cache.get(key);
    if (cached && this.#now() - cached.at < this.#ttlMs) return cached.text;
    const text = await this.#fetch(location, reference);
    if (text.length > MAX_OPENSLO_BYTES)
      throw new Error(`it is larger than ${MAX_OPENSLO_BYTES} characters`);
    this.#cache.delete(key);
    this.#cache.set(key, { text, at: this.#now() });
    if (this.#cache.size > MAX_CACHED)
      this.#cache.delete(this.#cache.keys().next().value!);
    return text;
  }

  async #fetch(location: string, reference: string): Promise<string> {
    const { type, target } = parseLocationRef(location);
    if (type === 'url') {
      const response = await this.#urlReader.readUrl(
        new URL(reference, target).toString(),
      );
      return (await response.buffer()).toString('utf8');
    }
    if (type === 'file') {
      const folder = dirname(resolve(target));
      const file = resolve(folder, reference);
      if (!file.startsWith(folder + sep))
        throw new Error('the file is outside the catalog file’s folder');
      if ((await stat(file)).size > MAX_OPENSLO_BYTES)
        throw new Error(`it is larger than ${MAX_OPENSLO_BYTES} bytes`);
      return readFile(file, 'utf8');
    }
    throw new Error(`locations of type ${type} cannot be read`);
  }
}
