/**
 * The argument handling every `redline` command shares, so that a typo, a
 * missing argument or `--help` gets the same answer whichever command it
 * reaches.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  type GeneratorConfig,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
import { readGeneratorConfig } from './appConfig';
import { type CliIo, messageOf } from './io';

/** A command as its messages name it, with the usage it prints on bad usage and `--help`. */
export interface CommandUsage {
  name: string;
  usage: string;
}

/** Every command's exit code for bad usage. */
export const USAGE_EXIT_CODE = 2;

/** Prints `redline <name>: <message>` followed by the usage; returns the exit code for bad usage. */
export function usageError(
  io: CliIo,
  command: CommandUsage,
  message: string,
): number {
  io.err(`redline ${command.name}: ${message}\n\n${command.usage}`);
  return USAGE_EXIT_CODE;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** What `parseArgs` returns for a command's `options`. */
export type ParsedCommandArgs<O extends Options> = ReturnType<
  typeof parseArgs<{
    args: string[];
    allowPositionals: true;
    options: O & typeof HELP;
  }>
>;

/**
 * Parses `args` against `options` plus `-h, --help`, positionals allowed.
 * Returns the parsed arguments; or, when they do not parse (a usage error is
 * printed) or `--help` was given (the usage is printed), the exit code the
 * command returns at once.
 */
export function parseCommandArgs<O extends Options>(
  io: CliIo,
  command: CommandUsage,
  args: string[],
  options: O,
): ParsedCommandArgs<O> | number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { ...options, ...HELP },
    });
  } catch (error) {
    return usageError(io, command, messageOf(error));
  }
  // The values' type is only known where `options` is.
  if ((parsed.values as { help?: boolean }).help) {
    io.out(command.usage);
    return 0;
  }
  return parsed;
}

/**
 * `--format` (text or json) and the generator config from `--config` files
 * (defaults without one), as the commands that talk to Prometheus read them.
 * Returns the exit code for bad usage or an unreadable config instead.
 */
export function readOutputOptions(
  io: CliIo,
  command: CommandUsage,
  values: { format?: string; config?: string[] },
): { format: 'text' | 'json'; config: GeneratorConfig } | number {
  const format = values.format;
  if (format !== 'text' && format !== 'json')
    return usageError(
      io,
      command,
      `--format must be text or json, got ${JSON.stringify(format)}`,
    );
  try {
    const config = values.config?.length
      ? readGeneratorConfig(values.config)
      : resolveGeneratorConfig();
    return { format, config };
  } catch (error) {
    io.err(`redline ${command.name}: --config: ${messageOf(error)}`);
    return USAGE_EXIT_CODE;
  }
}

/** `--at`: RFC 3339 or Unix seconds, as promtool takes `--time`; ms, or undefined when neither. */
export function parseAtTime(value: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  if (
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i.test(value)
  )
    return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
