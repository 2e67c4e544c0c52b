import type { BackstageCredentials } from '@backstage/backend-plugin-api';

/**
 * Who is asking, as a cache key. Catalog reads and permission decisions
 * depend on the caller, so answers to them are only ever shared between
 * requests of the same principal.
 * @internal
 */
export function callerKey(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
    accessRestrictions?: unknown;
  };
  return JSON.stringify([
    principal.type,
    principal.userEntityRef ?? principal.subject ?? '',
    principal.accessRestrictions ?? null,
  ]);
}

/**
 * How long an answer kept per caller (owner existence, the apply hint) is
 * reused, and for how long after that it still serves while one call
 * fetches its successor, so a view never waits for the refresh. Owners
 * change when the catalog processes a Group, which takes minutes anyway;
 * the apply route itself always asks again.
 * @internal
 */
export const CALLER_ANSWER_TTL_MS = 30_000;
