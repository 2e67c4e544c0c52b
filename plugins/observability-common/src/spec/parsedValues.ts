/**
 * Annotation values parsed once per process. A catalog repeats the same few
 * values (tiers, SLO targets, thresholds, selectors) across thousands of
 * entities, and a coverage run parses every one of them: the schema runs on
 * a value the first time it is seen and the result is shared after that.
 * Shared results are frozen, as specs are immutable values everywhere in
 * Redline; secrets are never kept.
 */
import type { z } from 'zod';

/** Distinct values kept per annotation; values beyond that are parsed each time. */
const MAX_VALUES_PER_ANNOTATION = 512;

const bySchema = new WeakMap<object, Map<string, unknown>>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** `schema.safeParse(raw)`, remembered per schema and raw value. */
export function parseAnnotationValue<T>(
  schema: z.ZodType<T, string>,
  raw: string,
  { remember = true }: { remember?: boolean } = {},
): z.ZodSafeParseResult<T> {
  let known = bySchema.get(schema);
  const hit = known?.get(raw) as z.ZodSafeParseResult<T> | undefined;
  if (hit) return hit;
  const result = schema.safeParse(raw);
  // Invalid values are rare and become findings; only valid ones are kept.
  if (!remember || !result.success) return result;
  if (!known) bySchema.set(schema, (known = new Map()));
  if (known.size < MAX_VALUES_PER_ANNOTATION)
    known.set(raw, deepFreeze(result));
  return result;
}
