import { z } from 'zod';
import { parseAnnotationValue } from './parsedValues';

describe('parseAnnotationValue', () => {
  const matchers = z
    .string()
    .transform(raw => raw.split(',').map(pair => ({ name: pair })));

  it('parses a value once and shares the frozen result', () => {
    const spy = jest.fn((raw: string) => raw.split(','));
    const schema = z.string().transform(spy);
    const first = parseAnnotationValue(schema, 'a,b');
    const again = parseAnnotationValue(schema, 'a,b');
    expect(again).toBe(first);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(first.success && first.data).toEqual(['a', 'b']);
    expect(Object.isFrozen(first.success && first.data)).toBe(true);
  });

  it('freezes nested values, so no spec can change another one', () => {
    const result = parseAnnotationValue(matchers, 'job,env');
    if (!result.success) throw new Error('expected a parsed value');
    expect(() => {
      (result.data[0] as { name: string }).name = 'changed';
    }).toThrow(TypeError);
  });

  it('keeps neither secrets nor invalid values', () => {
    const spy = jest.fn((raw: string) => raw.length);
    const secret = z.string().transform(spy);
    parseAnnotationValue(secret, 'key', { remember: false });
    parseAnnotationValue(secret, 'key', { remember: false });
    expect(spy).toHaveBeenCalledTimes(2);

    const check = jest.fn((raw: string) => raw === 'ok');
    const strict = z.string().refine(check, 'not ok');
    expect(parseAnnotationValue(strict, 'bad').success).toBe(false);
    expect(parseAnnotationValue(strict, 'bad').success).toBe(false);
    expect(check).toHaveBeenCalledTimes(2);
  });
});
