import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import type { ErrorRequestHandler } from 'express';

/** Errors whose message Redline wrote for people, with the status they answer. */
const FOR_PEOPLE: Record<string, number> = {
  NotModifiedError: 304,
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  UnsupportedMediaTypeError: 415,
  NotImplementedError: 501,
  ServiceUnavailableError: 503,
};

/** The answerable form of an error: name, message and status only. */
function plain(name: string, message: string, statusCode?: number): Error {
  const error = new Error(message);
  error.name = name;
  // Rendered without a stack even where the root handler shows stacks.
  delete error.stack;
  if (statusCode !== undefined)
    Object.assign(error, { statusCode: statusCode });
  return error;
}

function answerable(error: unknown, logId: () => string): Error {
  if (!isError(error)) return plain('Error', internal(logId()));
  const upstream = 'response' in error || 'body' in error;
  const status = FOR_PEOPLE[error.name];
  if (status !== undefined && !upstream) {
    // `CustomErrorBase` appends its cause to the message.
    const message =
      error.cause === undefined
        ? error.message
        : error.message.split('; caused by ')[0];
    return plain(
      error.name,
      message,
      error.name === 'UnsupportedMediaTypeError' ? status : undefined,
    );
  }
  if (upstream || error.name === 'OutboundError') {
    return plain(
      'ServiceUnavailableError',
      `A service Redline depends on did not answer; try again (log id ${logId()})`,
    );
  }
  // Express's own 4xx errors, e.g. a path parameter that is not valid
  // percent-encoding: about the request, so their message stays.
  const { statusCode, status: legacyStatus } = error as {
    statusCode?: unknown;
    status?: unknown;
  };
  const requestStatus = statusCode ?? legacyStatus;
  if (
    typeof requestStatus === 'number' &&
    requestStatus >= 400 &&
    requestStatus < 500
  ) {
    return plain(
      requestStatus === 400 ? 'InputError' : error.name,
      error.message,
      requestStatus,
    );
  }
  return plain('Error', internal(logId()));
}

function internal(id: string): string {
  return `An internal error occurred; the backend log has the details (log id ${id})`;
}

/**
 * The root router's error handler renders every enumerable field of an error:
 * a `ResponseError`'s upstream body (the catalog's SQL), a driver's `errno`
 * and `syscall`, a `cause` chain. This turns each error into one that
 * carries only a message written for people before it gets there, and logs
 * what it dropped with an id the answer repeats. It renders nothing itself.
 * @internal
 */
export function createErrorHygiene(logger: LoggerService): ErrorRequestHandler {
  return (error, req, _res, next) => {
    let id: string | undefined;
    const safe = answerable(error, () => {
      id ??= randomBytes(6).toString('hex');
      return id;
    });
    // A cause (what the catalog said, say) is only dropped from the answer.
    if (id || (isError(error) && error.cause !== undefined)) {
      logger.warn(
        `${req.method} ${req.baseUrl}${req.path} failed${
          id ? ` (log id ${id})` : ''
        }`,
        isError(error) ? error : new Error(String(error)),
      );
    }
    next(safe);
  };
}
