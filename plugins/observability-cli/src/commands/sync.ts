/**
 * `redline sync --backend URL --target NAME [--dry-run] [--token TOKEN]
 *  [--timeout DURATION]`
 *
 * Asks a Redline backend to make a rule target match the catalog
 * (`POST /api/observability/sync`) and prints the plan as the backend
 * formats it. The work happens in the backend: it reads the catalog and
 * holds the targets' credentials; the CLI only asks and prints. A sync runs
 * in the background there (a first one of thousands of entities outlasts
 * what proxies let a request wait), so the CLI follows the run until it
 * ends; a dry run is answered at once.
 */
import { isHttpUrl } from '@redline/backstage-plugin-observability-common';
import { parseCommandArgs, usageError } from '../commandArgs';
import { CliIo, messageOf, processIo } from '../io';
import {
  followSyncRun,
  parseJson,
  parseTimeoutSeconds,
  serverMessage,
  type SyncAnswer,
  type SyncRunAnswer,
} from './syncFollow';

export const SYNC_USAGE = `Usage: redline sync --backend <url> --target <name> [--dry-run] [--token <token>] [--timeout <duration>]

Makes a rule target (observability.ruleTargets in the backend's app-config)
hold exactly the rule groups the catalog declares: every Component's groups
written, those of deleted entities removed, nothing Redline did not create
touched. Prints the changes per team; --dry-run only prints them.

Options:
      --backend <url>    the Backstage backend, e.g. http://localhost:7007
      --target <name>    the rule target to sync
      --dry-run          print what would change, change nothing
      --token <token>    a Backstage token (default: $REDLINE_TOKEN); a
                         sync needs the observability.artifacts.apply
                         permission, a dry run only read access
      --timeout <d>      how long to wait for the sync to end, e.g. 90s,
                         15m, 1h (default 15m); the sync goes on in the
                         backend after that
  -h, --help             show this help

Exit code 0 when the sync (or dry run) succeeded, 1 when it failed, some
namespace could not be changed, or it had not ended within --timeout.`;

const COMMAND = { name: 'sync', usage: SYNC_USAGE };

const DEFAULT_TIMEOUT = '15m';

/** How often the CLI asks for the run; tests ask more often. */
export interface SyncPolling {
  pollMs: number;
}

export async function syncCommand(
  args: string[],
  io: CliIo = processIo,
  env: NodeJS.ProcessEnv = process.env,
  polling: SyncPolling = { pollMs: 1000 },
): Promise<number> {
  const parsed = parseCommandArgs(io, COMMAND, args, {
    backend: { type: 'string' },
    target: { type: 'string' },
    'dry-run': { type: 'boolean' },
    token: { type: 'string' },
    timeout: { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length > 0)
    return usageError(io, COMMAND, `unexpected argument ${positionals[0]}`);
  if (!isHttpUrl(values.backend))
    return usageError(io, COMMAND, '--backend must be an http(s) URL');
  if (!values.target) return usageError(io, COMMAND, '--target is required');
  const timeoutSeconds = parseTimeoutSeconds(values.timeout ?? DEFAULT_TIMEOUT);
  if (timeoutSeconds === undefined)
    return usageError(
      io,
      COMMAND,
      '--timeout must be a duration such as 90s, 15m or 1h',
    );
  const token = values.token ?? env.REDLINE_TOKEN;
  const headers: Record<string, string> = token
    ? { authorization: `Bearer ${token}` }
    : {};
  const backend = values.backend.replace(/\/$/, '');

  let response: Response;
  try {
    response = await fetch(`${backend}/api/observability/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        target: values.target,
        dryRun: values['dry-run'] === true,
      }),
    });
  } catch (error) {
    io.err(
      `redline sync: could not reach ${values.backend}: ${messageOf(error)}`,
    );
    return 1;
  }
  const text = await response.text();
  if (!response.ok) {
    io.err(
      `redline sync: ${serverMessage(text) ?? response.statusText} (HTTP ${
        response.status
      })`,
    );
    return 1;
  }
  if (response.status !== 202) {
    const answer = parseJson<SyncAnswer>(text);
    if (!answer) return notJson(io);
    return printAnswer(io, answer);
  }

  const run = parseJson<SyncRunAnswer>(text);
  if (!run?.id) return notJson(io);
  const location =
    response.headers.get('location') ??
    `/api/observability/sync/runs/${encodeURIComponent(run.id)}`;
  const outcome = await followSyncRun({
    // The backend's path is relative to itself: kept under a --backend
    // that carries a proxy's path prefix.
    runUrl: location.startsWith('/') ? `${backend}${location}` : location,
    headers,
    pollMs: polling.pollMs,
    timeoutMs: timeoutSeconds * 1000,
  });
  if (outcome.ended === 'failed') {
    io.err(`redline sync: ${outcome.message}`);
    return 1;
  }
  return printAnswer(io, outcome.answer);
}

/** The plan, then what was done, as the backend answered it. */
function printAnswer(io: CliIo, answer: SyncAnswer): number {
  for (const line of answer.formatted) io.out(line);
  for (const { entityRef, message } of answer.undescribed)
    io.err(
      `redline sync: ${entityRef} could not be described and was left as it is: ${message}`,
    );
  const applied = answer.applied;
  if (!applied) {
    io.out(`Dry run over ${answer.entities} entities: nothing was changed.`);
    return 0;
  }
  io.out(
    `Synced ${answer.entities} entities in ${answer.durationMs} ms: ${applied.namespacesWritten} namespace(s) written, ${applied.namespacesDeleted} deleted, ${applied.requests} request(s), ${applied.bytesWritten} bytes.`,
  );
  if (applied.failed > 0) {
    io.err(
      `redline sync: ${applied.failed} namespace(s) could not be changed; see the apply history`,
    );
    return 1;
  }
  return 0;
}

function notJson(io: CliIo): number {
  io.err('redline sync: the backend answered with something other than JSON');
  return 1;
}
