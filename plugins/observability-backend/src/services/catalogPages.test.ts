import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { component } from '../__testUtils__/entities';
import { catalogPages, type CatalogPage } from './catalogPages';

/** A catalog that pages `entities` by an index cursor and records each query. */
function pagingCatalog(entities: Entity[]) {
  const queries: Array<Record<string, unknown>> = [];
  return {
    queries,
    async queryEntities(query: any) {
      queries.push(query);
      const start = query.cursor ? Number(query.cursor) : 0;
      const end = start + query.limit;
      return {
        items: entities.slice(start, end),
        totalItems: entities.length,
        pageInfo: end < entities.length ? { nextCursor: String(end) } : {},
      };
    },
  };
}

const five = ['a', 'b', 'c', 'd', 'e'].map(name => component(name));

async function collect(pages: AsyncIterable<CatalogPage>) {
  const seen: CatalogPage[] = [];
  for await (const page of pages) seen.push(page);
  return seen;
}

describe('catalogPages', () => {
  it('walks every page once, asking only for the described fields', async () => {
    const catalog = pagingCatalog(five);
    const pages = await collect(
      catalogPages({
        catalog: catalog as any,
        credentials: mockCredentials.service(),
        kinds: ['Component'],
        pageSize: 2,
      }),
    );

    expect(pages.map(p => p.items.map(e => e.metadata.name))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e'],
    ]);
    expect(pages.map(p => p.request)).toEqual([
      { limit: 2 },
      { limit: 2, cursor: '2' },
      { limit: 2, cursor: '4' },
    ]);
    const fields = ['apiVersion', 'kind', 'metadata', 'spec'];
    expect(catalog.queries).toEqual([
      { filter: { kind: ['Component'] }, limit: 2, fields },
      { cursor: '2', limit: 2, fields },
      { cursor: '4', limit: 2, fields },
    ]);
  });

  it('fetches a page only when the caller asks for it', async () => {
    const catalog = pagingCatalog(five);
    for await (const page of catalogPages({
      catalog: catalog as any,
      credentials: mockCredentials.service(),
      kinds: ['Component'],
      pageSize: 2,
    })) {
      expect(page.items).toHaveLength(2);
      break;
    }
    expect(catalog.queries).toHaveLength(1);
  });

  it('stops before the next request when beforePage throws, and wraps each call', async () => {
    const catalog = pagingCatalog(five);
    const controller = new AbortController();
    const wrapped: number[] = [];
    const walk = collect(
      catalogPages({
        catalog: catalog as any,
        credentials: mockCredentials.service(),
        kinds: ['Component'],
        pageSize: 2,
        beforePage: () => controller.signal.throwIfAborted(),
        around: async call => {
          const page = await call();
          wrapped.push(catalog.queries.length);
          controller.abort();
          return page;
        },
      }),
    );

    await expect(walk).rejects.toThrow(/aborted/i);
    expect(catalog.queries).toHaveLength(1);
    expect(wrapped).toEqual([1]);
  });
});
