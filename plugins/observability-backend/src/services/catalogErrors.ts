import {
  AuthenticationError,
  ConflictError,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** Answers the catalog (or the in-process catalog service) gives on purpose. */
const TYPED = new Set([
  AuthenticationError.name,
  ConflictError.name,
  InputError.name,
  NotAllowedError.name,
  NotFoundError.name,
]);

/**
 * An error from a catalog call, as a caller may see it. The catalog client
 * throws a `ResponseError` carrying the catalog's whole error body — for a
 * locked or failing database that is the SQL statement and the driver's
 * message — and Backstage's error handler would copy it into our answer.
 * People get a 503 that says what failed; the details stay in the log.
 * @internal
 */
export function catalogError(error: unknown, withCause = true): Error {
  if (
    isError(error) &&
    TYPED.has(error.name) &&
    !('statusCode' in error) &&
    !('response' in error)
  ) {
    return error;
  }
  const { statusCode, statusText } = (error ?? {}) as {
    statusCode?: unknown;
    statusText?: unknown;
  };
  const status =
    typeof statusCode === 'number'
      ? [statusCode, typeof statusText === 'string' ? statusText : '']
          .join(' ')
          .trim()
          .slice(0, 60)
      : 'no connection';
  const mapped = new ServiceUnavailableError(
    `The catalog did not answer (${status}); try again`,
  );
  // For the log only, so neither the message (`CustomErrorBase` would append
  // it) nor a serialised body carries it.
  if (withCause)
    Object.defineProperty(mapped, 'cause', { value: error, enumerable: false });
  return mapped;
}

/**
 * Runs a catalog call, turning its failures into {@link catalogError}s.
 * Outside the plugin's routes (the scaffolder action), pass `log`: the
 * original is handed to it and the thrown error carries no cause.
 * @internal
 */
export async function fromCatalog<T>(
  call: () => Promise<T>,
  log?: (original: Error) => void,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const mapped = catalogError(error, !log);
    if (log && mapped !== error)
      log(isError(error) ? error : new Error(String(error)));
    throw mapped;
  }
}
