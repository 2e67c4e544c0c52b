/**
 * `redline lint <files or folders> [--format text|json]`
 *
 * Holds existing Prometheus rule files to the seed's alerting practices with
 * the linter from -common. This file only does the I/O: finding files,
 * reading them, printing findings and choosing the exit code.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  formatLintLocation,
  LINT_RULES,
  LintFinding,
  LintRuleFileInput,
  lintRuleFiles,
} from '@redline/backstage-plugin-observability-common';
import { parseCommandArgs, usageError } from '../commandArgs';
import { CliIo, messageOf, processIo } from '../io';
import { listYamlFiles } from '../yamlFiles';

/** Exit codes, by the worst thing found. @public */
export const LINT_EXIT_CODES = {
  /** No finding, or only `info` ones. */
  clean: 0,
  /** At least one `warning`, no `error`. */
  warnings: 1,
  /** At least one `error`, an unreadable path, nothing to lint, or bad usage. */
  errors: 2,
} as const;

export const LINT_USAGE = `Usage: redline lint <file | folder>... [--format text|json]

Checks Prometheus rule files (and PrometheusRule manifests) against the
seed's alerting practices: PromQL errors, alerts without for / severity /
summary / description / runbook_url, paging on causes instead of symptoms,
counters without rate(), rate() on gauges, histogram_quantile() without le,
high-cardinality labels, unguarded ratios and duplicate alert names.

Folders are searched recursively for *.yaml and *.yml files holding rules
("groups:" or kind: PrometheusRule); other YAML files there are skipped.
Files named explicitly are always linted.

Options:
  -f, --format <text|json>  output format (default text); text prints
                            file:line:col severity rule-id message (fix: ...)
      --list-rules          print every rule id with its severity and title
  -h, --help                show this help

Exit codes:
  0  no findings, or only info
  1  at least one warning
  2  at least one error, an unreadable path, no rule file found, or bad usage`;

const LINT = { name: 'lint', usage: LINT_USAGE };

// Build output (dist/) is linted: generated rule files are what gets deployed.
const SKIPPED_DIRS = new Set(['node_modules']);
const RULE_FILE_HINT = /^\s*(groups\s*:|kind\s*:\s*["']?PrometheusRule\b)/m;

interface CollectedFiles {
  files: LintRuleFileInput[];
  /** Paths that could not be read, with the reason. */
  unreadable: Array<{ path: string; message: string }>;
  /** YAML files in folders skipped because they hold no rules. */
  skipped: string[];
}

/**
 * Runs the command and returns the exit code (see {@link LINT_EXIT_CODES}).
 * Never throws: every failure is a message on stderr and exit code 2.
 * @public
 */
export async function lintCommand(
  args: string[],
  io: CliIo = processIo,
): Promise<number> {
  try {
    return runLint(args, io);
  } catch (error) {
    io.err(`redline lint: ${messageOf(error)}`);
    return LINT_EXIT_CODES.errors;
  }
}

function runLint(args: string[], io: CliIo): number {
  const parsed = parseCommandArgs(io, LINT, args, {
    format: { type: 'string', short: 'f', default: 'text' },
    'list-rules': { type: 'boolean' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const format = values.format;
  if (format !== 'text' && format !== 'json') {
    io.err(
      `redline lint: --format must be text or json, got ${JSON.stringify(
        format,
      )}`,
    );
    return LINT_EXIT_CODES.errors;
  }
  if (values['list-rules']) {
    printCatalogue(io, format);
    return LINT_EXIT_CODES.clean;
  }
  if (positionals.length === 0)
    return usageError(io, LINT, 'give at least one rule file or folder');

  const collected = collectFiles(positionals);
  for (const { path, message } of collected.unreadable) {
    io.err(`redline lint: cannot read ${path}: ${message}`);
  }
  if (collected.files.length === 0) {
    const skipped = collected.skipped.length;
    io.err(
      `redline lint: no rule files found in ${positionals.join(', ')}${
        skipped > 0
          ? ` (${plural(skipped, 'YAML file')} without "groups:" skipped)`
          : ''
      }`,
    );
    return LINT_EXIT_CODES.errors;
  }

  const report = lintRuleFiles(collected.files);
  const counts = countBySeverity(report.findings);
  if (format === 'json') {
    io.out(
      JSON.stringify(
        {
          files: collected.files.map(file => file.fileName),
          ruleCount: report.ruleCount,
          summary: counts,
          findings: report.findings,
          unreadable: collected.unreadable,
          skipped: collected.skipped,
        },
        null,
        2,
      ),
    );
  } else {
    for (const finding of report.findings) io.out(formatFinding(finding));
    io.out(
      summaryLine(
        counts,
        collected.files.length,
        report.ruleCount,
        collected.skipped.length,
      ),
    );
  }

  if (collected.unreadable.length > 0 || counts.error > 0)
    return LINT_EXIT_CODES.errors;
  return counts.warning > 0 ? LINT_EXIT_CODES.warnings : LINT_EXIT_CODES.clean;
}

/** `file:line:col severity ruleId message (fix: …)`, the format editors and CI annotate from. */
export function formatFinding(finding: LintFinding): string {
  return `${formatLintLocation(finding.location)} ${finding.severity} ${
    finding.ruleId
  } ${finding.message} (fix: ${finding.fix})`;
}

function collectFiles(paths: string[]): CollectedFiles {
  const collected: CollectedFiles = { files: [], unreadable: [], skipped: [] };
  const seen = new Set<string>();
  const add = (path: string, explicit: boolean) => {
    if (seen.has(path)) return;
    seen.add(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      collected.unreadable.push({ path, message: reason(error) });
      return;
    }
    if (explicit || RULE_FILE_HINT.test(text))
      collected.files.push({ text, fileName: path });
    else collected.skipped.push(path);
  };
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      collected.unreadable.push({ path, message: reason(error) });
      continue;
    }
    if (!isDirectory) {
      add(path, true);
      continue;
    }
    try {
      for (const file of listYamlFiles(path, SKIPPED_DIRS)) add(file, false);
    } catch (error) {
      collected.unreadable.push({ path, message: reason(error) });
    }
  }
  return collected;
}

/** "ENOENT: no such file or directory, open 'x'" → "no such file or directory". */
function reason(error: unknown): string {
  // Errors from another realm (jest's sandbox) fail `instanceof Error`; read the message directly.
  const raw = (error as { message?: unknown } | null)?.message;
  const message = typeof raw === 'string' ? raw : messageOf(error);
  const match = /^[A-Z]+: ([^,]+)/.exec(message);
  return match ? match[1] : message;
}

function countBySeverity(
  findings: LintFinding[],
): Record<'error' | 'warning' | 'info', number> {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function summaryLine(
  counts: Record<'error' | 'warning' | 'info', number>,
  files: number,
  rules: number,
  skipped: number,
): string {
  const total = counts.error + counts.warning + counts.info;
  const found =
    total === 0
      ? 'No findings'
      : `${plural(counts.error, 'error')}, ${plural(
          counts.warning,
          'warning',
        )}, ${counts.info} info`;
  const skippedNote =
    skipped > 0
      ? `; ${plural(skipped, 'YAML file')} without rules skipped`
      : '';
  return `${found} in ${plural(files, 'file')} (${plural(
    rules,
    'rule',
  )})${skippedNote}`;
}

function printCatalogue(io: CliIo, format: 'text' | 'json'): void {
  if (format === 'json') {
    io.out(JSON.stringify(LINT_RULES, null, 2));
    return;
  }
  for (const rule of LINT_RULES) {
    io.out(`${rule.id.padEnd(36)} ${rule.severity.padEnd(7)} ${rule.title}`);
  }
}
