/**
 * Answers remembered by key, up to `limit` of them, for pure computations
 * that a catalog repeats (the same selector, number, link or rules snapshot
 * asked about again and again). When full it empties itself instead of
 * evicting one entry: the working sets these serve are far below their
 * limits, so a full memo means the catalog moved on, and a lookup stays one
 * `Map.get`.
 */
export class BoundedMemo<K, V> {
  readonly #values = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /** The remembered answer for `key`, else `compute(key)`, remembered. */
  get(key: K, compute: (key: K) => V): V {
    const known = this.#values.get(key);
    if (known !== undefined || this.#values.has(key)) return known as V;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (this.#values.size >= this.limit) this.#values.clear();
    this.#values.set(key, value);
  }
}
