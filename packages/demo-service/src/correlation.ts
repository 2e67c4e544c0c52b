/**
 * Correlation IDs tie one request's log lines together (the seed's debug
 * checklist starts with "search by correlation ID"). A caller's ID is reused
 * when it is safe to log; anything else is replaced, never rejected.
 */
import { randomUUID } from 'node:crypto';

/** Header carrying the correlation ID in and out. @public */
export const CORRELATION_HEADER = 'x-correlation-id';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Returns the caller's correlation ID when it is a short token of safe
 * characters, otherwise a fresh UUID (so a hostile header cannot inject
 * newlines or megabytes into the logs).
 * @public
 */
export function resolveCorrelationId(header: string | string[] | undefined): {
  id: string;
  generated: boolean;
} {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && SAFE_ID.test(value)) {
    return { id: value, generated: false };
  }
  return { id: randomUUID(), generated: true };
}
