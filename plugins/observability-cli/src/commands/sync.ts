/**
 * `redline sync --backend URL --target NAME [--dry-run] [--token TOKEN]`
 *
 * Asks a Redline backend to make a rule target match the catalog
 * (`POST /api/observability/sync`) and prints the plan as the backend
 * formats it. The work happens in the backend: it reads the catalog and
 * holds the targets' credentials; the CLI only asks and prints.
 */
import { isHttpUrl } from '@redline/backstage-plugin-observability-common';
import { parseCommandArgs, usageError } from '../commandArgs';
import { CliIo, messageOf, processIo } from '../io';

export const SYNC_USAGE = `Usage: redline sync --backend <url> --target <name> [--dry-run] [--token <token>]

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
  -h, --help             show this help

Exit code 0 when the sync (or dry run) succeeded, 1 when it failed or some
namespace could not be changed.`;

const COMMAND = { name: 'sync', usage: SYNC_USAGE };

/** The parts of the backend's answer the CLI prints. */
interface SyncAnswer {
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

export async function syncCommand(
  args: string[],
  io: CliIo = processIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseCommandArgs(io, COMMAND, args, {
    backend: { type: 'string' },
    target: { type: 'string' },
    'dry-run': { type: 'boolean' },
    token: { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length > 0)
    return usageError(io, COMMAND, `unexpected argument ${positionals[0]}`);
  if (!isHttpUrl(values.backend))
    return usageError(io, COMMAND, '--backend must be an http(s) URL');
  if (!values.target) return usageError(io, COMMAND, '--target is required');
  const token = values.token ?? env.REDLINE_TOKEN;

  let response: Response;
  try {
    response = await fetch(
      `${values.backend.replace(/\/$/, '')}/api/observability/sync`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({
          target: values.target,
          dryRun: values['dry-run'] === true,
        }),
      },
    );
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
  let answer: SyncAnswer;
  try {
    answer = JSON.parse(text) as SyncAnswer;
  } catch {
    io.err('redline sync: the backend answered with something other than JSON');
    return 1;
  }
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

/** Backstage's error body: `{ error: { message } }`. */
function serverMessage(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } })
      .error?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return text.trim().slice(0, 500) || undefined;
  }
}
