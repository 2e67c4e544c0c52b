/**
 * Following a sync the backend runs in the background: `GET
 * /api/observability/sync/runs/{id}` until the run has ended.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf } from '../io';

/** The parts of the backend's answer the CLI prints. */
export interface SyncAnswer {
  formatted: string[];
  entities: number;
  undescribed: Array<{ entityRef: string; message: string }>;
  applied?: {
    namespacesWritten: number;
    namespacesDeleted: number;
    failed: number;
    requests: number;
    bytesWritten: number;
  };
  durationMs: number;
}

/** A run as `POST /sync` (202) and `GET /sync/runs/{id}` answer it. */
export type SyncRunAnswer = Partial<SyncAnswer> & {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  error?: string;
};

/** How a followed run ended, for the command to print. */
export type FollowOutcome =
  | { ended: 'succeeded'; answer: SyncAnswer }
  | { ended: 'failed'; message: string };

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** `90s`, `15m`, `1h`, or plain seconds; undefined when not one of those. */
export function parseTimeoutSeconds(text: string): number | undefined {
  const match = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const unitSeconds = UNIT_SECONDS[match[2] ?? 's'] ?? 1;
  const seconds = Number(match[1]) * unitSeconds;
  return seconds > 0 ? seconds : undefined;
}

/**
 * Asks for the run every `pollMs` until it has ended or `timeoutMs` have
 * passed. A backend that does not answer for a while (a restart, a proxy
 * hiccup) is asked again until then; an answer that will not change (the
 * run is unknown, the caller not allowed) ends the wait at once.
 */
export async function followSyncRun(options: {
  runUrl: string;
  headers: Record<string, string>;
  pollMs: number;
  timeoutMs: number;
}): Promise<FollowOutcome> {
  const { runUrl, headers, pollMs, timeoutMs } = options;
  const deadline = Date.now() + timeoutMs;
  let lastTrouble: string | undefined;
  while (Date.now() + pollMs <= deadline) {
    await sleep(pollMs);
    let response: Response;
    let text: string;
    const untilDeadline = AbortSignal.timeout(
      Math.max(1, deadline - Date.now()),
    );
    try {
      response = await fetch(runUrl, { headers, signal: untilDeadline });
      text = await response.text();
    } catch (error) {
      // A poll cut short by the wait's own deadline says nothing about the
      // backend: the CLI stopped waiting, the backend did not fail.
      if (untilDeadline.aborted) break;
      lastTrouble = `could not reach the backend: ${messageOf(error)}`;
      continue;
    }
    if (response.status >= 500 || response.status === 429) {
      lastTrouble = `${serverMessage(text) ?? response.statusText} (HTTP ${
        response.status
      })`;
      continue;
    }
    if (!response.ok)
      return {
        ended: 'failed',
        message: `${serverMessage(text) ?? response.statusText} (HTTP ${
          response.status
        })`,
      };
    const run = parseJson<SyncRunAnswer>(text);
    if (!run)
      return {
        ended: 'failed',
        message: 'the backend answered with something other than JSON',
      };
    if (run.status === 'succeeded')
      return { ended: 'succeeded', answer: run as SyncAnswer };
    if (run.status === 'failed')
      return { ended: 'failed', message: `the sync failed: ${run.error}` };
  }
  const seconds = Math.round(timeoutMs / 1000);
  return {
    ended: 'failed',
    message: `the sync is still running after ${seconds} s; it goes on in the backend, see ${runUrl}${
      lastTrouble ? ` (last poll: ${lastTrouble})` : ''
    }`,
  };
}

export function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Backstage's error body: `{ error: { message } }`. */
export function serverMessage(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } })
      .error?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return text.trim().slice(0, 500) || undefined;
  }
}
