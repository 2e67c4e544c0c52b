import type { CompoundEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import express, { NextFunction, Request, Response } from 'express';
import { z } from 'zod';

/**
 * Formats zod issues as `field: problem; field: problem` so a 400 always
 * names what to fix.
 * @internal
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(issue =>
      issue.path.length
        ? `${issue.path.join('.')}: ${issue.message}`
        : issue.message,
    )
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
    throw new InputError(`Invalid ${what}: ${describeIssues(result.error)}`);
  }
  return result.data;
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

/**
 * `express.json()` whose failures (malformed JSON, too large) become an
 * `InputError` naming the body, instead of body-parser's own error object.
 * @internal
 */
export function jsonBody(limit = '100kb') {
  const parse = express.json({ limit });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, error => {
      if (error) {
        const type = (error as { type?: string }).type;
        next(
          new InputError(
            type === 'entity.too.large'
              ? `Invalid request body: must be at most ${limit}`
              : `Invalid request body: not valid JSON (${
                  (error as Error).message
                })`,
          ),
        );
        return;
      }
      next();
    });
}
