import { isError, ServiceUnavailableError } from '@backstage/errors';
import type { ApplyOutcome } from '@redline/backstage-plugin-observability-common';

/** Errors that already say, for people, what went wrong. */
const TYPED = new Set([
  'InputError',
  'ConflictError',
  'NotAllowedError',
  'NotFoundError',
  'ServiceUnavailableError',
]);

/** Errors about the request as it stands: changing it (or the entity) helps. */
const REFUSALS = new Set([
  'InputError',
  'ConflictError',
  'NotAllowedError',
  'NotFoundError',
]);

/** `refused` for a 4xx the caller can act on, `failed` for everything else. @internal */
export function outcomeOf(
  error: Error,
): Extract<ApplyOutcome, 'refused' | 'failed'> {
  return REFUSALS.has(error.name) ? 'refused' : 'failed';
}

/**
 * The error an apply answers with: typed errors pass through; file system
 * errors become a sentence saying what is wrong and who can fix it, without
 * the server's paths, errno or syscall (the original is in the portal's log).
 * @internal
 */
export function errorForPeople(
  error: unknown,
  instance: string | undefined,
  correlationId: string,
): Error {
  if (isError(error) && TYPED.has(error.name)) return error as Error;
  const directory = instance
    ? `The rules directory of Prometheus instance '${instance}'`
    : 'The rules directory';
  switch ((error as NodeJS.ErrnoException)?.code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new ServiceUnavailableError(
        `${directory} is not writable by the portal. Ask an operator to give the portal's user write access to it, then apply again.`,
      );
    case 'ENOTDIR':
    case 'EISDIR':
      return new ServiceUnavailableError(
        `${directory} is not a directory. Ask an operator to point observability.prometheus.instances[].rulesDirectory at the directory Prometheus loads rule files from, then apply again.`,
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new ServiceUnavailableError(
        `${directory} has no space left. Ask an operator to free some, then apply again.`,
      );
    default:
      return new ServiceUnavailableError(
        `Applying the rules failed unexpectedly. Ask an operator to look for correlation id ${correlationId} in the portal's log.`,
      );
  }
}
