import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { DESCRIBED_FIELDS } from './describingInBatches';

/** One page of a catalog walk, with the request that fetched it. @internal */
export interface CatalogPage {
  items: Entity[];
  /** The request as sent: the first carries `limit` and `filter`, later ones `limit` and `cursor`. */
  request: { limit: number; cursor?: string };
}

/**
 * The entities of the given kinds, a page at a time, with only the fields
 * describing reads: what every walk over the whole catalog (a coverage run,
 * a catalog-wide sync) pages through. Pages are fetched as the caller asks
 * for them, so at most one page is held.
 * @internal
 */
export async function* catalogPages(options: {
  catalog: Pick<CatalogService, 'queryEntities'>;
  credentials: BackstageCredentials;
  kinds: string[];
  pageSize: number;
  /** Called before each request; throws to stop the walk. */
  beforePage?: () => void;
  /** Wraps each catalog call (to measure it, or to turn its errors into answers). */
  around?: <T>(call: () => Promise<T>) => Promise<T>;
}): AsyncGenerator<CatalogPage> {
  const { catalog, credentials, kinds, pageSize: limit } = options;
  const around = options.around ?? (call => call());
  let cursor: string | undefined;
  do {
    options.beforePage?.();
    const query = cursor
      ? { cursor, limit, fields: DESCRIBED_FIELDS }
      : { filter: { kind: kinds }, limit, fields: DESCRIBED_FIELDS };
    const page = await around(() =>
      catalog.queryEntities(query, { credentials }),
    );
    yield {
      items: page.items,
      request: cursor ? { limit, cursor } : { limit },
    };
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
}
