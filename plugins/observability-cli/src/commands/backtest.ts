/**
 * `redline backtest <entity-ref | catalog-info.yaml | folder> --prometheus URL
 *  [--days 7] [--max-per-week N] [--catalog PATH] [--config app-config.yaml]
 *  [--format text|json] [--at TIME]`
 *
 * Every generated alert of the selected Component(s) evaluated over real
 * history, as the portal's backtest does it (`planBacktest`/`runBacktest`,
 * shared with the backend), so CI can refuse a change that would page too
 * often.
 */
import {
  BACKTEST_DEFAULT_DAYS,
  BACKTEST_MAX_DAYS,
  describeEntity,
  isHttpUrl,
  planBacktest,
  runBacktest,
  type BacktestReport,
} from '@redline/backstage-plugin-observability-common';
import { parseAtTime, readOutputOptions, usageError } from '../commandArgs';
import { CliIo, processIo } from '../io';
import { cliSloQueries } from '../sloQueries';
import { formatBacktestReport, perWeek } from './backtestFormat';
import {
  parseComponentCommandArgs,
  selectTargetComponents,
} from './componentCommandArgs';

export const BACKTEST_USAGE = `Usage: redline backtest <entity-ref | catalog-info.yaml | folder> --prometheus <url> [--days <n>] [--max-per-week <n>] [--catalog <path>] [--config <app-config.yaml>] [--format text|json] [--at <time>]

How often each generated alert of the selected Component(s) would have
fired over the last days of real history: count, minutes firing, the
longest episode and when, beside what Prometheus' ALERTS series recorded
for the alerts already deployed. Recorded series the alerts read are
evaluated from their recording rules, so the rules need not be applied.

An entity ref (component:default/checkout, default/checkout or checkout) is
looked up in the catalog files at --catalog; a path to an existing file or
folder (or any *.yaml) is read as catalog files and every Component in them
is backtested.

Options:
      --prometheus <url>       Prometheus holding the history
      --days <n>               window, 1–${BACKTEST_MAX_DAYS} days (default ${BACKTEST_DEFAULT_DAYS})
      --max-per-week <n>       fail when an alert would have fired more than
                               n times per 7 days
      --catalog <path>         catalog file or folder an entity ref is looked
                               up in (default: the current directory)
      --config <file>          Backstage app-config.yaml whose
                               observability.metrics apply; may be repeated
      --at <time>              end the window here instead of now: RFC 3339
                               or Unix seconds
  -f, --format <text|json>     output format (default text); json prints
                               { passed, entities: [...] }
  -h, --help                   show this help

Exit codes:
  0  every alert is within the budget (alerts without series are reported,
     not failed)
  1  an alert fired more often than --max-per-week, a query failed, or the
     entity or catalog could not be found or read
  2  bad usage or an unreadable --config file`;

const BACKTEST = { name: 'backtest', usage: BACKTEST_USAGE };

/** What `--format json` prints. */
export interface BacktestJsonReport {
  passed: boolean;
  prometheus: string;
  maxPerWeek?: number;
  entities: BacktestReport[];
}

/** Runs the command; returns the process exit code. */
export async function backtestCommand(
  args: string[],
  io: CliIo = processIo,
): Promise<number> {
  const parsed = parseComponentCommandArgs(io, BACKTEST, args, {
    days: { type: 'string' },
    'max-per-week': { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (!values.prometheus || !isHttpUrl(values.prometheus))
    return usageError(
      io,
      BACKTEST,
      '--prometheus <url> (http or https) is required',
    );
  const days =
    values.days === undefined ? BACKTEST_DEFAULT_DAYS : Number(values.days);
  if (!/^\d+$/.test(values.days ?? '7') || days < 1 || days > BACKTEST_MAX_DAYS)
    return usageError(
      io,
      BACKTEST,
      `--days must be a whole number from 1 to ${BACKTEST_MAX_DAYS}, got ${JSON.stringify(
        values.days,
      )}`,
    );
  const rawBudget = values['max-per-week'];
  const maxPerWeek = rawBudget === undefined ? undefined : Number(rawBudget);
  if (rawBudget !== undefined && !/^\d+(\.\d+)?$/.test(rawBudget))
    return usageError(
      io,
      BACKTEST,
      `--max-per-week must be a number of firings, got ${JSON.stringify(
        rawBudget,
      )}`,
    );
  const nowMs = values.at === undefined ? Date.now() : parseAtTime(values.at);
  if (nowMs === undefined)
    return usageError(
      io,
      BACKTEST,
      `--at must be an RFC 3339 time or Unix seconds, got ${JSON.stringify(
        values.at,
      )}`,
    );
  const output = readOutputOptions(io, BACKTEST, values);
  if (typeof output === 'number') return output;

  const components = selectTargetComponents(io, BACKTEST, parsed, {
    consequence: 'nothing was backtested',
    componentsOnly: 'only Components have generated alerts to backtest',
  });
  if (typeof components === 'number') return components;
  const prometheus = cliSloQueries(values.prometheus);
  const reports: BacktestReport[] = [];
  // One Component at a time: each already sends one range query per alert.
  for (const { entity } of components) {
    const { artifacts } = describeEntity(entity, output.config);
    reports.push(
      await runBacktest(
        planBacktest(artifacts, { days, nowSeconds: nowMs / 1000 }),
        prometheus,
      ),
    );
  }

  const alerts = reports.flatMap(r =>
    r.alerts.map(alert => ({ report: r, alert })),
  );
  const over = alerts.filter(
    ({ report, alert }) =>
      maxPerWeek !== undefined && perWeek(alert, report.days) > maxPerWeek,
  );
  const failed = alerts.filter(({ alert }) => alert.status === 'error');
  const passed = over.length === 0 && failed.length === 0;
  if (output.format === 'json') {
    const json: BacktestJsonReport = {
      passed,
      prometheus: values.prometheus,
      ...(maxPerWeek !== undefined ? { maxPerWeek } : {}),
      entities: reports,
    };
    io.out(JSON.stringify(json, null, 2));
  } else {
    for (const report of reports)
      io.out(formatBacktestReport(report, maxPerWeek).join('\n'));
  }
  for (const { report, alert } of over)
    io.err(
      `redline backtest: FAIL ${report.entityRef} ${alert.key} would have fired ${alert.fired}× in ${report.days} days, above ${maxPerWeek} per week`,
    );
  for (const { report, alert } of failed)
    io.err(
      `redline backtest: FAIL ${report.entityRef} ${alert.key}: ${alert.reason}`,
    );
  for (const { report, alert } of alerts.filter(
    a => a.alert.status === 'no-series',
  ))
    io.err(
      `redline backtest: WARNING ${report.entityRef} ${alert.key}: ${alert.reason}`,
    );
  return passed ? 0 : 1;
}
