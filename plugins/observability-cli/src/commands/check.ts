/**
 * `redline check <catalog-info.yaml or folder> --prometheus URL
 *  [--alertmanager URL] [--config app-config.yaml] [--format text|json]`
 *
 * The checks of the portal's Observability tab, from a terminal or a CI job:
 * every Component is described and checked exactly as the tab does it
 * (`describeEntity` at the histogram buckets the service exposes, one batch
 * `FactCycle`, `evaluateChecks`), with facts
 * read from the given Prometheus and Alertmanager and owners looked up in the
 * given catalog files.
 */
import {
  CheckResult,
  CheckSummary,
  describeEntity,
  evaluateChecks,
  FactCycle,
  isHttpUrl,
  summarizeChecks,
} from '@redline/backstage-plugin-observability-common';
import { Entity, readCatalog } from '../catalogFiles';
import { cliFactSources } from '../factSources';
import {
  parseCommandArgs,
  readOutputOptions,
  usageError,
} from '../commandArgs';
import { CliIo, processIo } from '../io';

export const CHECK_USAGE = `Usage: redline check <catalog-info.yaml | folder> --prometheus <url> [--alertmanager <url>] [--config <app-config.yaml>] [--format text|json]

Runs, for every Component in the catalog file(s), the checks the portal's
Observability tab shows: owner exists, routing, runbook links answer, rules
loaded in Prometheus, RED metrics exist, firing alerts, lint of the loaded
rules and the metadata checks. Owners are looked up among the Group and User
entities of the same catalog file(s).

Options:
      --prometheus <url>     Prometheus to read loaded rules, series and (without
                             --alertmanager) alert states from; it answers for
                             every instance an entity names
      --alertmanager <url>   Alertmanager to read live alerts from
      --config <file>        Backstage app-config.yaml whose observability.metrics,
                             observability.portalBaseUrl (else app.baseUrl) and
                             observability.alertmanager timings apply, as in the
                             portal; may be repeated (later files win)
  -f, --format <text|json>   output format (default text); json prints
                             [{ entityRef, checks, summary }]
  -h, --help                 show this help

Exit codes:
  0  no check fails (warnings and unknowns do not fail a run)
  1  at least one check fails, or the catalog could not be read
  2  bad usage or an unreadable --config file`;

const CHECK = { name: 'check', usage: CHECK_USAGE };

/** What `--format json` prints per Component. */
export interface EntityCheckReport {
  entityRef: string;
  checks: CheckResult[];
  summary: CheckSummary;
}

/** Components described and gathered at once; the cycle shares every fetch. */
const CONCURRENCY = 8;

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

const refOf = (entity: Entity) =>
  `${entity.kind.toLocaleLowerCase('en-US')}:${
    entity.metadata.namespace ?? 'default'
  }/${entity.metadata.name}`;

function formatReport(report: EntityCheckReport): string[] {
  const { summary } = report;
  const lines = [
    `${report.entityRef}: ${summary.failing} failing, ${summary.warnings} warning(s), rules deployed: ${summary.rulesDeployed}`,
  ];
  for (const check of report.checks) {
    lines.push(
      `  ${check.status.padEnd(7)} ${check.title} (${check.id}): ${
        check.message
      }`,
    );
    if (check.status === 'fail' && check.fix) {
      // Fixes are often YAML snippets: keep their lines aligned.
      const [first, ...rest] = check.fix.split('\n');
      lines.push(
        `          fix: ${first}`,
        ...rest.map(line => `               ${line}`),
      );
    }
  }
  return lines;
}

/** Runs the command; returns the process exit code. */
export async function checkCommand(
  args: string[],
  io: CliIo = processIo,
): Promise<number> {
  const parsed = parseCommandArgs(io, CHECK, args, {
    prometheus: { type: 'string' },
    alertmanager: { type: 'string' },
    config: { type: 'string', multiple: true },
    format: { type: 'string', short: 'f', default: 'text' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    return usageError(io, CHECK, 'give exactly one catalog file or folder');
  if (!values.prometheus)
    return usageError(io, CHECK, '--prometheus <url> is required');
  for (const flag of ['prometheus', 'alertmanager'] as const) {
    const url = values[flag];
    if (url !== undefined && !isHttpUrl(url))
      return usageError(
        io,
        CHECK,
        `--${flag} must be an http(s) URL, got ${JSON.stringify(url)}`,
      );
  }
  const output = readOutputOptions(io, CHECK, values);
  if (typeof output === 'number') return output;
  const { format, config } = output;

  const catalog = readCatalog(positionals[0]);
  if (catalog.errors.length > 0) {
    for (const error of catalog.errors) io.err(`error: ${error}`);
    io.err('redline check: the input could not be read; nothing was checked.');
    return 1;
  }
  const kindOf = (e: { entity: Entity }) =>
    e.entity.kind.toLocaleLowerCase('en-US');
  const components = catalog.entities.filter(e => kindOf(e) === 'component');
  if (components.length === 0) {
    io.err(
      `redline check: no Component entities in ${positionals[0]} (${catalog.entities.length} other entities in ${catalog.files.length} files); nothing was checked.`,
    );
    return 1;
  }

  const cycle = new FactCycle(
    cliFactSources({
      prometheusUrl: values.prometheus,
      alertmanagerUrl: values.alertmanager,
      knownOwners: catalog.entities
        .filter(e => kindOf(e) === 'group' || kindOf(e) === 'user')
        .map(e => refOf(e.entity)),
    }),
    { batch: true },
  );
  const reports = await mapLimited(
    components,
    CONCURRENCY,
    async ({ entity }): Promise<EntityCheckReport> => {
      const {
        description,
        gathered: { facts },
      } = await cycle.gatherAtLiveBuckets(
        describeEntity(entity, config),
        observedBuckets => describeEntity(entity, config, { observedBuckets }),
      );
      const checks = evaluateChecks(
        description.spec,
        description.artifacts,
        facts,
      );
      return {
        entityRef: description.spec.entityRef,
        checks,
        summary: summarizeChecks(checks),
      };
    },
  );

  const failing = reports.reduce((n, r) => n + r.summary.failing, 0);
  if (format === 'json') {
    io.out(JSON.stringify(reports, null, 2));
  } else {
    for (const report of reports)
      io.out([...formatReport(report), ''].join('\n'));
    const count = (status: CheckResult['status']) =>
      reports.reduce(
        (n, r) => n + r.checks.filter(c => c.status === status).length,
        0,
      );
    const failingEntities = reports.filter(r => r.summary.failing > 0).length;
    const totals = [
      `${count('pass')} passed`,
      `${failing} failed (in ${failingEntities} component(s))`,
      `${count('warn')} warning(s)`,
      `${count('unknown')} unknown`,
    ];
    io.out(
      `${reports.length} component(s) checked against ${
        values.prometheus
      }: ${totals.join(', ')}.`,
    );
  }
  return failing > 0 ? 1 : 0;
}
