/**
 * The arguments of the commands that judge the Components one entity ref or
 * catalog path names against a Prometheus (`budget`, `backtest`). A pipeline
 * runs them side by side, so the same mistake gets the same answer from both.
 */
import type { ParseArgsConfig } from 'node:util';
import {
  parseCommandArgs,
  usageError,
  type CommandUsage,
  type ParsedCommandArgs,
} from '../commandArgs';
import type { LocatedEntity } from '../catalogFiles';
import {
  isCatalogPath,
  parseEntityRef,
  selectComponents,
} from '../entitySelection';
import type { CliIo } from '../io';

const COMPONENT_COMMAND_OPTIONS = {
  prometheus: { type: 'string' },
  catalog: { type: 'string' },
  config: { type: 'string', multiple: true },
  format: { type: 'string', short: 'f', default: 'text' },
  at: { type: 'string' },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed arguments and the one positional: an entity ref, or catalog files when `byPath`. */
export type ParsedComponentCommandArgs<O extends Options> = ParsedCommandArgs<
  typeof COMPONENT_COMMAND_OPTIONS & O
> & { target: string; byPath: boolean };

/**
 * Parses `args` against `--prometheus`, `--catalog`, `--config`, `--format`
 * and `--at` plus the command's own `options`, and checks that exactly one
 * positional names an existing catalog file or folder or is an entity ref.
 * Returns the exit code the command returns at once instead when not (a
 * usage error is printed) or on `--help`.
 */
export function parseComponentCommandArgs<O extends Options>(
  io: CliIo,
  command: CommandUsage,
  args: string[],
  options: O,
): ParsedComponentCommandArgs<O> | number {
  const parsed = parseCommandArgs(io, command, args, {
    ...COMPONENT_COMMAND_OPTIONS,
    ...options,
  });
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length !== 1)
    return usageError(
      io,
      command,
      'give exactly one entity ref, catalog file or folder',
    );
  const [target] = parsed.positionals;
  const byPath = isCatalogPath(target);
  if (!byPath && !parseEntityRef(target))
    return usageError(
      io,
      command,
      `${JSON.stringify(
        target,
      )} is neither an existing file or folder nor an entity ref like component:default/checkout`,
    );
  return { ...parsed, target, byPath };
}

/**
 * The Components the parsed target names (a ref is looked up in `--catalog`,
 * by default the current directory); or, when there are none, prints why and
 * returns exit code 1.
 */
export function selectTargetComponents(
  io: CliIo,
  command: CommandUsage,
  parsed: { target: string; values: { catalog?: string } },
  wording: Parameters<typeof selectComponents>[2],
): LocatedEntity[] | number {
  const selection = selectComponents(
    parsed.target,
    parsed.values.catalog ?? '.',
    wording,
  );
  if ('error' in selection) {
    io.err(`redline ${command.name}: ${selection.error}`);
    return 1;
  }
  return selection.components;
}
