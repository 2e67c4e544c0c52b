import { defineLazy } from './lazyProperty';

describe('defineLazy', () => {
  it('computes on first read, once, as an own enumerable property in insertion order', () => {
    let calls = 0;
    const object = defineLazy({ a: 1 }, 'text', () => {
      calls += 1;
      return `computed ${calls}`;
    });
    expect(calls).toBe(0);
    expect(Object.keys(object)).toEqual(['a', 'text']);
    expect(object.text).toBe('computed 1');
    expect(object.text).toBe('computed 1');
    expect(calls).toBe(1);
    expect(JSON.stringify(object)).toBe('{"a":1,"text":"computed 1"}');
    expect({ ...object }).toEqual({ a: 1, text: 'computed 1' });
  });

  it('keeps each object and each property apart', () => {
    const first = defineLazy(
      defineLazy({}, 'x', () => 'x1'),
      'y',
      () => 'y1',
    );
    const second = defineLazy({}, 'x', () => 'x2');
    expect([first.x, first.y, second.x]).toEqual(['x1', 'y1', 'x2']);
  });

  it('computes again after a compute that threw', () => {
    let fail = true;
    const object = defineLazy({}, 'value', () => {
      if (fail) throw new Error('not yet');
      return 'done';
    });
    expect(() => object.value).toThrow('not yet');
    fail = false;
    expect(object.value).toBe('done');
  });
});
