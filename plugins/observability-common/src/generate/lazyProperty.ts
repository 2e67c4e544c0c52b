/**
 * Own, enumerable properties computed on first read and then kept: the parts
 * of a description that not every caller reads (file text, the output
 * object and runbook Markdown, which only downloads read; the RED targets,
 * which a coverage run never reads).
 *
 * Not a getter in an object literal, nor `Object.defineProperty` with a fresh
 * closure: V8 keeps an accessor's functions in the object's hidden class, so
 * a getter created per object means a hidden class per object, allocated
 * outside the young generation and pointing at that getter's closure. Every
 * minor GC then keeps the closure, and the whole description it captures,
 * alive until the next full GC; in a describe loop that was ~6 MB promoted
 * per scavenge and a quarter of the CPU time in GC. Here the getter is one
 * function per property name, shared by every object, and each object's
 * state sits in a non-enumerable symbol-keyed slot, invisible to
 * `JSON.stringify`, spreading and `Object.keys`.
 */

const SLOTS = Symbol('redline.lazyProperty');

interface Slot {
  compute?: () => unknown;
  value?: unknown;
}

interface Holder {
  [SLOTS]?: Record<string, Slot>;
}

const getters = new Map<string, (this: Holder) => unknown>();

function sharedGetter(name: string): (this: Holder) => unknown {
  let getter = getters.get(name);
  if (!getter) {
    getter = function lazyValue(this: Holder) {
      const slot = this[SLOTS]![name];
      if (slot.compute) {
        // Cleared only once computed: a compute that throws runs again on
        // the next read, like `value ??= compute()` would.
        slot.value = slot.compute();
        slot.compute = undefined;
      }
      return slot.value;
    };
    getters.set(name, getter);
  }
  return getter;
}

/**
 * Adds `name` to `target` as an own, enumerable property whose value is
 * `compute()`, run on first read and kept. Properties keep the order in
 * which they are added, as in an object literal.
 */
export function defineLazy<T extends object, K extends string, V>(
  target: T,
  name: K,
  compute: () => V,
): T & { readonly [P in K]: V } {
  const holder = target as T & Holder;
  let slots = holder[SLOTS];
  if (!slots) {
    slots = {};
    Object.defineProperty(holder, SLOTS, { value: slots });
  }
  slots[name] = { compute };
  Object.defineProperty(holder, name, {
    enumerable: true,
    configurable: true,
    get: sharedGetter(name),
  });
  return holder as T & { readonly [P in K]: V };
}
