import type { TableOptions } from '@backstage/core-components';

/**
 * The tab's tables show a handful of rows in a fixed, meaningful order
 * (worst first, RED order), so paging, search, sorting and column dragging
 * would only add noise.
 */
export const staticTableOptions: TableOptions<any> = {
  paging: false,
  search: false,
  padding: 'dense',
  sorting: false,
  draggable: false,
};
