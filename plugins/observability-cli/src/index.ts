/**
 * The `redline` command line: generate observability artifacts from catalog
 * files, lint existing Prometheus rule files, run the tab's checks against a
 * live Prometheus. Everything it knows comes from
 * `@redline/backstage-plugin-observability-common`.
 *
 * @packageDocumentation
 */
import { budgetCommand } from './commands/budget';
import { checkCommand } from './commands/check';
import { generateCommand } from './commands/generate';
import { lintCommand } from './commands/lint';
import { syncCommand } from './commands/sync';
import { CliIo, messageOf, processIo } from './io';

export const USAGE = `Usage: redline <command> [options]

Commands:
  generate <catalog-info.yaml | folder> --out <dir> [--base-url <url>]
      write Prometheus rules, PrometheusRule, Alertmanager routing, Grafana
      dashboard, runbooks and the observability output object per Component
  lint <rule files…>
      check existing Prometheus rule files for Redline's findings
  check <catalog-info.yaml | folder> --prometheus <url> [--alertmanager <url>]
        [--config <app-config.yaml>] [--format text|json]
      run the Observability tab's checks per Component against a live
      Prometheus (and Alertmanager); exit code 1 when a check fails
  budget <entity-ref | catalog-info.yaml | folder> --prometheus <url>
         [--min-remaining <percent>] [--fail-on-no-data] [--catalog <path>]
         [--config <app-config.yaml>] [--format text|json] [--at <time>]
      the error-budget gate before a deploy: every SLO's budget, attainment
      and burn rate; exit code 1 when a budget is spent or below the floor
  backtest <entity-ref | catalog-info.yaml | folder> --prometheus <url>
           [--days <n>] [--max-per-week <n>] [--format text|json]
      how often each generated alert would have fired over the last days;
      exit code 1 when one fired more often than --max-per-week
  sync --backend <url> --target <name> [--dry-run] [--token <token>]
      make a rule target hold exactly the catalog's rule groups (through the
      backend); --dry-run prints the changes per team

Run 'redline <command> --help' for a command's options.`;

type Command = (args: string[], io: CliIo) => Promise<number>;

// Static imports, so the package build bundles every command: the commands
// share -common, which is loaded whole either way, so loading them lazily
// saved little.
const COMMANDS: Record<string, Command> = {
  generate: generateCommand,
  check: checkCommand,
  budget: budgetCommand,
  sync: (args, io) => syncCommand(args, io),
  // lintCommand takes only its arguments and writes to the process streams itself.
  lint: args => lintCommand(args),
};

/** Dispatches to a command and returns the exit code; never throws. */
export async function main(
  argv: string[],
  io: CliIo = processIo,
): Promise<number> {
  const [command, ...rest] = argv;
  if (
    command === undefined ||
    command === '--help' ||
    command === '-h' ||
    command === 'help'
  ) {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    io.out(require('../package.json').version);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`redline: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    io.err(`redline ${command}: ${messageOf(error)}`);
    return 1;
  }
}
