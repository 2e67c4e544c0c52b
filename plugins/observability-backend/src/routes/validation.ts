import type { CompoundEntityRef } from '@backstage/catalog-model';
import { CustomErrorBase, InputError } from '@backstage/errors';
import { COVERAGE_SORT_FIELDS } from '@redline/backstage-plugin-observability-common';
import express, { NextFunction, Request, Response } from 'express';
import { z } from 'zod';

/**
 * Formats zod issues as `field: problem; field: problem` so a 400 always
 * names what to fix. Unknown keys are listed with the nearest known key, so
 * a misspelling (`enviroment`) is not silently ignored.
 * @internal
 */
export function describeIssues(error: z.ZodError, schema?: z.ZodType): string {
  return error.issues
    .map(issue => {
      if (issue.code === 'unrecognized_keys') {
        return unknownKeysMessage(issue.path, issue.keys, schema);
      }
      return issue.path.length
        ? `${issue.path.join('.')}: ${issue.message}`
        : issue.message;
    })
    .join('; ');
}

/** `schema.safeParse(value)`, or an `InputError` naming each bad field. @internal */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      `Invalid ${what}: ${describeIssues(result.error, schema)}`,
    );
  }
  return result.data;
}

function unknownKeysMessage(
  path: PropertyKey[],
  keys: string[],
  schema: z.ZodType | undefined,
): string {
  const known = schema ? knownKeysAt(schema, path) : [];
  // Keys are the caller's text: a few, shortened, are enough to find the typo.
  const shown = keys.slice(0, 5).map(key => {
    const text = JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
    const nearest = closest(key, known);
    return nearest ? `${text} (did you mean ${nearest}?)` : text;
  });
  const more = keys.length > 5 ? ` and ${keys.length - 5} more` : '';
  const where = path.length ? `in ${path.join('.')}` : 'in the body';
  const allowed = known.length ? `; known: ${known.join(', ')}` : '';
  return `Unknown field(s) ${where}: ${shown.join(', ')}${more}${allowed}`;
}

/** The keys an object schema declares at `path`, looking through optional/default/pipe wrappers. */
function knownKeysAt(schema: z.ZodType, path: PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const key of path) {
    if (!(current instanceof z.ZodObject)) return [];
    current = unwrap(current.shape[String(key)]);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let i = 0; i < 10 && current; i++) {
    const def = current._zod.def as { innerType?: z.ZodType; in?: z.ZodType };
    const inner = def.innerType ?? def.in;
    if (!inner) return current;
    current = inner;
  }
  return current;
}

/** The known key within edit distance 2 of `key`, if one is clearly nearest. */
function closest(key: string, known: string[]): string | undefined {
  if (key.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}

/**
 * A whole-number query parameter: decimal digits only (`Number()` would read
 * `0x10`, `1e1` and ` 2`), between `min` and `max`, `fallback` when absent.
 * @internal
 */
export function queryInt(min: number, max: number, fallback: number) {
  const rule = `must be a whole number between ${min} and ${max}`;
  return z
    .string({ error: rule })
    .regex(/^\d{1,15}$/, rule)
    .transform(Number)
    .pipe(z.number().min(min, rule).max(max, rule))
    .default(fallback);
}

// Backstage's own limits (catalog-model's KubernetesValidatorFunctions):
// every part of a ref is at most 63 characters; kind is alphanumeric,
// namespace a DNS label, name alphanumeric with . _ -
const refPart = (pattern: RegExp, rule: string) =>
  z.string().max(63, 'must be at most 63 characters').regex(pattern, rule);
const kind = refPart(
  /^[A-Za-z][A-Za-z0-9]*$/,
  'must start with a letter and contain only letters and digits',
);
const namespace = refPart(
  /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
  'must be letters, digits and inner dashes (a DNS label)',
);
const name = refPart(
  /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/,
  'must be letters, digits and inner . _ -',
);

const entityRefParams = z.object({ kind, namespace, name });

/** Validates `:kind/:namespace/:name` route params. @internal */
export function entityRefFromParams(
  params: Record<string, string>,
): CompoundEntityRef {
  return parseOrThrow(
    entityRefParams,
    { kind: params.kind, namespace: params.namespace, name: params.name },
    'entity ref',
  );
}

/**
 * Validates `:team`: a team is its owner entity's name, so the same rule.
 * @internal
 */
export function teamFromParams(params: Record<string, string>): string {
  return parseOrThrow(z.object({ team: name }), { team: params.team }, 'team')
    .team;
}

/** Entity ref in a body, `kind:namespace/name` (namespace optional). @internal */
export const entityRefString = z
  .string()
  .max(200, 'must be at most 200 characters')
  .regex(
    /^[A-Za-z][A-Za-z0-9]*:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/)?[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/,
    'must be an entity ref like component:default/checkout',
  );

/** Thrown for a request body that is not JSON; rendered as 415. @internal */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  name = 'UnsupportedMediaTypeError' as const;
  statusCode = 415;
}

/**
 * `express.json()` whose failures (malformed JSON, too large, not sent as
 * JSON) become errors that say what to send, instead of body-parser's own
 * error objects or a silently empty body that fails validation as
 * "query: received undefined".
 * @internal
 */
export function jsonBody(limit = '100kb') {
  const parse = express.json({ limit });
  return (req: Request, res: Response, next: NextFunction) => {
    if (hasBody(req) && !req.is('application/json')) {
      const type = req.headers['content-type'];
      next(
        new UnsupportedMediaTypeError(
          `Send the request body as application/json (${
            type
              ? `got ${JSON.stringify(type.slice(0, 100))}`
              : 'no Content-Type'
          })`,
        ),
      );
      return;
    }
    parse(req, res, error => {
      if (error) {
        next(bodyError(error, limit));
        return;
      }
      next();
    });
  };
}

/** Like body-parser: a request has a body when it says it does. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (
    req.headers['transfer-encoding'] !== undefined ||
    (length !== undefined && length !== '0')
  );
}

function bodyError(error: unknown, limit: string): Error {
  const { type, message } = error as { type?: string; message?: string };
  switch (type) {
    case 'entity.too.large':
      return new InputError(`Invalid request body: must be at most ${limit}`);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeError(
        'Send the request body as application/json in UTF-8, without Content-Encoding',
      );
    case 'entity.parse.failed':
      return new InputError(
        `Invalid request body: not valid JSON (${String(message).slice(
          0,
          200,
        )})`,
      );
    default:
      return new InputError('Invalid request body: it could not be read');
  }
}

/** Repeated (`?owner=a&owner=b`) or comma-separated (`?owner=a,b`) values. */
const list = z
  .union([z.string(), z.array(z.string())], {
    error: 'must be a string or repeated strings',
  })
  .transform(v =>
    (Array.isArray(v) ? v : [v])
      .flatMap(s => s.split(','))
      .map(s => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().max(512, 'each value must be at most 512 characters'))
      .max(100, 'at most 100 values'),
  );

/**
 * `GET /coverage` and `/coverage/export.csv`. The export takes the table's
 * query as is (a client may pass its page along) but always exports every
 * matching row.
 * @internal
 */
export const coverageListQuery = z.strictObject({
  owner: list.optional(),
  system: list.optional(),
  lifecycle: list.optional(),
  kind: list.optional(),
  tier: list.optional(),
  q: z.string().max(200, 'must be at most 200 characters').optional(),
  sort: z.enum(COVERAGE_SORT_FIELDS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  page: queryInt(1, 1_000_000, 1),
  pageSize: queryInt(1, 500, 25),
});

/** @internal */
export type CoverageListQuery = z.output<typeof coverageListQuery>;

const instant = z.iso
  .datetime({ offset: true })
  .refine(v => Number.isFinite(Date.parse(v)), 'must be a real date and time');

/** `GET /coverage/history`. @internal */
export const coverageHistoryQuery = z
  .strictObject({
    team: z.string().min(1).max(255).optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: queryInt(1, 10_000, 1000),
  })
  .refine(q => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'must not be after "to"',
    path: ['from'],
  });
