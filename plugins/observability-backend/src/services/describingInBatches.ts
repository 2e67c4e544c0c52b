/**
 * What a walk over the whole catalog (a coverage run, the catalog-wide
 * Alertmanager config) shares: which fields it reads and how it keeps the
 * portal responsive while it describes.
 */

/**
 * What describing reads of an entity: relations and status, often the larger
 * part of a catalog entity, are neither serialised nor parsed.
 * @internal
 */
export const DESCRIBED_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'];

/**
 * Generation is synchronous CPU work (milliseconds per entity); a page of
 * hundreds would block the backend's event loop for seconds, stalling every
 * HTTP request meanwhile. Yielding a macrotask turn every few milliseconds
 * keeps the portal responsive while a batch is described.
 * @internal
 */
export class EventLoopYielder {
  static readonly SLICE_MS = 15;
  #sliceStart = performance.now();

  async maybeYield(): Promise<void> {
    if (performance.now() - this.#sliceStart < EventLoopYielder.SLICE_MS)
      return;
    await new Promise<void>(resolve => setImmediate(resolve));
    this.#sliceStart = performance.now();
  }
}
