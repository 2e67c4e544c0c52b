/**
 * `redline budget <entity-ref | catalog-info.yaml | folder> --prometheus URL
 *  [--min-remaining PERCENT] [--fail-on-no-data] [--catalog PATH]
 *  [--config app-config.yaml] [--format text|json] [--at TIME]`
 *
 * The error-budget gate in front of a deploy: every SLO of the selected
 * Component(s) evaluated exactly as the portal's SLO tab does it
 * (`evaluateSlos`, shared with the backend) and judged by the same gate as
 * the scaffolder action (`judgeErrorBudgets`).
 */
import {
  describeEntity,
  evaluateSlos,
  FactCycle,
  isHttpUrl,
  judgeErrorBudgets,
  type BudgetGateResult,
  type EntitySloResponse,
} from '@redline/backstage-plugin-observability-common';
import { parseAtTime, readOutputOptions, usageError } from '../commandArgs';
import { cliFactSources } from '../factSources';
import { CliIo, processIo } from '../io';
import { cliSloQueries } from '../sloQueries';
import { formatBudgetReport } from './budgetFormat';
import {
  parseComponentCommandArgs,
  selectTargetComponents,
} from './componentCommandArgs';

export const BUDGET_USAGE = `Usage: redline budget <entity-ref | catalog-info.yaml | folder> --prometheus <url> [--min-remaining <percent>] [--fail-on-no-data] [--catalog <path>] [--config <app-config.yaml>] [--format text|json] [--at <time>]

The error-budget gate in front of a deploy. For every SLO of the selected
Component(s) it prints objective, window, attainment, budget remaining (% and
requests/minutes), burn rates and health, computed as the portal's SLO tab
computes them, and fails when a budget is spent.

An entity ref (component:default/checkout, default/checkout or checkout) is
looked up in the catalog files at --catalog; a path to an existing file or
folder (or any *.yaml) is read as catalog files and every Component in them
is gated.

No data (no traffic in the window, no series, an SLO that cannot be measured,
a Component without SLOs) is printed loudly as NO DATA but does not fail,
so a service without traffic yet can deploy; --fail-on-no-data makes it fail.
A Prometheus that does not answer always fails: a gate that cannot look is
no gate.

Options:
      --prometheus <url>       Prometheus to read the SLO metrics from; it
                               answers for every instance an entity names
      --min-remaining <pct>    fail when a budget has less than this share
                               left, 0–100 (default 0: fail only when spent)
      --fail-on-no-data        fail when an SLO has no data
      --catalog <path>         catalog file or folder an entity ref is looked
                               up in (default: the current directory)
      --config <file>          Backstage app-config.yaml whose
                               observability.metrics apply, as in the portal;
                               may be repeated (later files win)
      --at <time>              evaluate at this moment instead of now:
                               RFC 3339 (2026-10-01T00:00:00Z) or Unix
                               seconds, as promtool's --time; makes a result
                               reproducible
  -f, --format <text|json>     output format (default text); json prints
                               { passed, at, entities: [...] }
  -h, --help                   show this help

Exit codes:
  0  every budget is above the floor (no-data SLOs are reported, not failed,
     unless --fail-on-no-data)
  1  a budget is exhausted (remaining ≤ 0) or below --min-remaining, an SLO
     has no data with --fail-on-no-data, Prometheus did not answer, or the
     entity or catalog could not be found or read
  2  bad usage or an unreadable --config file`;

const BUDGET = { name: 'budget', usage: BUDGET_USAGE };

/** What `--format json` prints. */
export interface BudgetJsonReport {
  passed: boolean;
  /** ISO time every SLO was evaluated at. */
  at: string;
  prometheus: string;
  minRemainingPercent: number;
  failOnNoData: boolean;
  entities: Array<
    BudgetGateResult & {
      slos: Array<Omit<EntitySloResponse['slos'][number], 'burnDown'>>;
    }
  >;
}

/** Runs the command; returns the process exit code. */
export async function budgetCommand(
  args: string[],
  io: CliIo = processIo,
): Promise<number> {
  const parsed = parseComponentCommandArgs(io, BUDGET, args, {
    'min-remaining': { type: 'string' },
    'fail-on-no-data': { type: 'boolean', default: false },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, byPath } = parsed;
  if (byPath && values.catalog !== undefined)
    return usageError(
      io,
      BUDGET,
      '--catalog only applies to an entity ref; the catalog files are already given',
    );
  if (!values.prometheus)
    return usageError(io, BUDGET, '--prometheus <url> is required');
  if (!isHttpUrl(values.prometheus))
    return usageError(
      io,
      BUDGET,
      `--prometheus must be an http(s) URL, got ${JSON.stringify(
        values.prometheus,
      )}`,
    );
  const rawFloor = values['min-remaining'];
  const floor = rawFloor === undefined ? 0 : Number(rawFloor);
  if (
    rawFloor !== undefined &&
    (!/^\d+(\.\d+)?$/.test(rawFloor) || floor > 100)
  )
    return usageError(
      io,
      BUDGET,
      `--min-remaining must be a percentage from 0 to 100, got ${JSON.stringify(
        rawFloor,
      )}`,
    );
  let nowMs = Date.now();
  if (values.at !== undefined) {
    const at = parseAtTime(values.at);
    if (at === undefined)
      return usageError(
        io,
        BUDGET,
        `--at must be an RFC 3339 time (2026-10-01T00:00:00Z) or Unix seconds, got ${JSON.stringify(
          values.at,
        )}`,
      );
    nowMs = at;
  }
  const output = readOutputOptions(io, BUDGET, values);
  if (typeof output === 'number') return output;
  const { format, config } = output;

  const components = selectTargetComponents(io, BUDGET, parsed, {
    consequence: 'nothing was gated',
    componentsOnly: 'only Components have SLOs to gate',
  });
  if (typeof components === 'number') return components;

  // Latency SLOs are measured at the buckets the service exposes, as the
  // tab measures them; the cycle asks that once for all Components.
  const cycle = new FactCycle(
    cliFactSources({ prometheusUrl: values.prometheus, knownOwners: [] }),
    { batch: true },
  );
  const prometheus = cliSloQueries(values.prometheus);
  const gate = {
    minRemainingPercent: floor,
    failOnNoData: values['fail-on-no-data'] ?? false,
  };
  const evaluated: Array<{
    response: EntitySloResponse;
    result: BudgetGateResult;
  }> = [];
  // One Component at a time: a gate runs on one service, and a folder of
  // many should not hit Prometheus with every window query at once.
  for (const { entity } of components) {
    const description = await cycle.describeAtLiveBuckets(
      describeEntity(entity, config),
      observedBuckets => describeEntity(entity, config, { observedBuckets }),
    );
    const response = await evaluateSlos(description, prometheus, {
      config,
      nowMs,
    });
    evaluated.push({ response, result: judgeErrorBudgets(response, gate) });
  }

  const at = new Date(Math.floor(nowMs / 1000) * 1000).toISOString();
  const noSlos = evaluated.filter(e => e.response.slos.length === 0);
  const passed = evaluated.every(e => e.result.passed);
  if (format === 'json') {
    const report: BudgetJsonReport = {
      passed,
      at,
      prometheus: values.prometheus,
      ...gate,
      entities: evaluated.map(({ response, result }) => ({
        ...result,
        slos: response.slos.map(({ burnDown: _, ...s }) => s),
      })),
    };
    io.out(JSON.stringify(report, null, 2));
  } else {
    for (const e of evaluated)
      io.out(formatBudgetReport(e.response, e.result).join('\n'));
    const verdicts = evaluated.flatMap(e => e.result.verdicts);
    const count = (o: string) => verdicts.filter(v => v.outcome === o).length;
    io.out(
      `${verdicts.length} SLO(s) of ${evaluated.length} component(s) gated against ${values.prometheus} at ${at}` +
        ` (floor ${floor} %): ${count('pass')} passed, ${count(
          'fail',
        )} failed, ${count('no-data')} no data${
          noSlos.length ? `, ${noSlos.length} component(s) without SLOs` : ''
        }.`,
    );
  }
  // The reasons go to stderr as well, where a pipeline's log shows them
  // even when stdout is the JSON report.
  for (const { result } of evaluated) {
    for (const v of result.verdicts) {
      if (v.outcome === 'fail') io.err(`redline budget: FAIL ${v.message}`);
      else if (v.outcome === 'no-data')
        io.err(`redline budget: WARNING ${v.message}`);
    }
  }
  for (const { response } of noSlos)
    io.err(
      `redline budget: ${gate.failOnNoData ? 'FAIL' : 'WARNING'} ${
        response.entityRef
      } declares no SLO (redline.dev/slo-* annotations); nothing to gate${
        gate.failOnNoData ? ', and no data fails this gate' : ''
      }.`,
    );
  return passed ? 0 : 1;
}
