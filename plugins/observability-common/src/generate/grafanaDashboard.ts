/**
 * Grafana dashboard for one service, built with Grafana's own
 * foundation-SDK builders (they emit the current dashboard schema, so the
 * JSON stays importable as Grafana evolves). Panels: request rate, error ratio
 * against its threshold, P50/P90/P99 against the latency threshold, firing
 * alerts and, per SLO the rules measure, the error budget left; dashboard
 * links go to the service's logs, traces, runbooks and portal page.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  Dashboard,
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { GeneratorConfig } from '../spec/config';
import type { ObservabilitySpec, SloSpec } from '../spec/types';
import { formatDuration, leLabel } from '../spec/latencyBucket';
import { sloWindowText } from '../spec/sloWindow';
import { isHttpUrl } from '../spec/url';
import { formatNumber, promEqualMatcher, shortHash } from './escape';
import { fillUrlTemplate } from './markdown';
import { serverErrorMatcher } from './redRecordingRules';
import { ruleContextFor } from './ruleContextCache';
import { entityPageUrl } from './runbooks';
import { measuredObjective, validSlos, type ValidSlo } from './validSlos';

/** Grafana rejects dashboard uids longer than this. */
const GRAFANA_UID_MAX = 40;

/** The dashboard's Grafana JSON model. @public */
export type GrafanaDashboard = Dashboard;

/**
 * Stable uid `redline-<name>` for a `scopedServiceName`: characters Grafana
 * does not accept (such as the `/` after a namespace) become `-`, and when
 * that changed the name or it is too long, it is cut and a hash of the name
 * is appended so two entities never share a uid.
 * @public
 */
export function grafanaDashboardUid(scopedName: string): string {
  const wanted = `redline-${scopedName}`;
  const safe = wanted.replace(/[^a-zA-Z0-9_-]/g, '-');
  if (safe === wanted && safe.length <= GRAFANA_UID_MAX) return safe;
  const suffix = shortHash(scopedName);
  return `${safe.slice(0, GRAFANA_UID_MAX - suffix.length - 1)}-${suffix}`;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

function query(expr: string, legend: string, refId: string) {
  return new DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(expr)
    .legendFormat(legend)
    .refId(refId);
}

function thresholdLine(value: number, unit: string) {
  return {
    thresholds: new ThresholdsConfigBuilder()
      .mode(ThresholdsMode.Absolute)
      .steps([
        { value: null as unknown as number, color: 'green' },
        { value, color: 'red' },
      ]),
    style: new common.GraphThresholdsStyleConfigBuilder().mode(
      common.GraphThresholdsStyleMode.Line,
    ),
    unit,
  };
}

function timeseriesPanel(title: string, description: string, unit: string) {
  return new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .span(8)
    .height(8)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    );
}

/** PromQL for the share of the SLO's error budget unspent over its window (a recorded series of the SLO rules). */
function budgetRemainingExpr(recordedMatcher: string, slo: SloSpec): string {
  const matchers = [recordedMatcher, promEqualMatcher('slo', slo.slo)].join(
    ',',
  );
  return `max(slo:period_error_budget_remaining:ratio{${matchers}})`;
}

function budgetDescription(v: ValidSlo, histogram: string): string {
  // The panel reads the trailing nominal-length ratio the rules record, so a
  // calendar window says which stretch of time that is.
  const spent =
    v.slo.window?.type === 'calendar'
      ? `Share of the error budget of ${sloWindowText(
          v.slo.window,
          v.windowDays,
        )} not yet spent, over the trailing ${
          v.windowDays
        } days (its nominal length); the SLO tab shows it since the window started.`
      : `Share of the ${v.windowDays}-day error budget not yet spent.`;
  if (!v.bucket) return spent;
  const counted = `${spent} Requests above the ${leLabel(
    v.bucket.le,
  )} bucket of ${histogram} count as slow.`;
  return v.bucket.exact
    ? counted
    : `${counted} The declared threshold (${formatDuration(
        v.slo.thresholdSeconds!,
      )}) is not a bucket, so the nearest bucket below it is used: stricter than declared, never more lenient.`;
}

function link(title: string, url: string, icon: string) {
  // Grafana interpolates `$name` in link URLs; encoding `$` keeps catalog text literal.
  return new DashboardLinkBuilder(title)
    .type(DashboardLinkType.Link)
    .url(url.replace(/\$/g, '%24'))
    .icon(icon)
    .targetBlank(true)
    .keepTime(true);
}

/**
 * Builds the dashboard JSON model for one service.
 * @public
 */
export function generateGrafanaDashboard(
  spec: ObservabilitySpec,
  config: GeneratorConfig,
): GrafanaDashboard {
  // The rule generators' view, so panels select exactly the series and
  // alerts the rules record and raise.
  const ctx = ruleContextFor(spec, config);
  const service = ctx.service;
  const m = ctx.metrics;
  const sel = ctx.selector;
  const errorSel = `${sel},${serverErrorMatcher(ctx)}`;
  const requests = (s: string) => `sum(rate(${m.requestsTotal}{${s}}[5m]))`;
  const errorThreshold = spec.thresholds.errorRatePercent.value / 100;
  const latencyThreshold = spec.thresholds.latencyP99Ms.value / 1000;

  const errorLine = thresholdLine(errorThreshold, 'percentunit');
  const latencyLine = thresholdLine(latencyThreshold, 's');

  const builder = new DashboardBuilder(
    `${spec.title ?? service} — RED (Redline)`,
  )
    .uid(grafanaDashboardUid(ctx.scopedName))
    .description(
      `Generated by Redline for ${spec.entityRef}; edit the entity's annotations, not this dashboard.`,
    )
    .tags(['redline', `team:${ctx.team}`])
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .withVariable(
      new DatasourceVariableBuilder('datasource')
        .label('Prometheus')
        .type('prometheus'),
    )
    .withRow(new RowBuilder('RED: rate, errors, duration'))
    .withPanel(
      timeseriesPanel(
        'Request rate',
        'Requests per second over 5m.',
        'reqps',
      ).withTarget(query(requests(sel), 'requests/s', 'A')),
    )
    .withPanel(
      timeseriesPanel(
        'Error ratio',
        `Share of 5xx responses over 5m; the red line is the alert threshold (${formatNumber(
          spec.thresholds.errorRatePercent.value,
        )} %).`,
        errorLine.unit,
      )
        .thresholds(errorLine.thresholds)
        .thresholdsStyle(errorLine.style)
        .withTarget(
          query(`${requests(errorSel)} / ${requests(sel)}`, 'error ratio', 'A'),
        ),
    )
    .withPanel(
      timeseriesPanel(
        'Latency P50 / P90 / P99',
        `Request duration quantiles over 5m; the red line is the P99 alert threshold (${formatNumber(
          spec.thresholds.latencyP99Ms.value,
        )} ms).`,
        latencyLine.unit,
      )
        .thresholds(latencyLine.thresholds)
        .thresholdsStyle(latencyLine.style)
        .targets(
          [0.5, 0.9, 0.99].map((q, i) =>
            query(
              `histogram_quantile(${q}, sum by (le) (rate(${m.durationHistogram}_bucket{${sel}}[5m])))`,
              `P${Math.round(q * 100)}`,
              String.fromCharCode(65 + i),
            ),
          ),
        ),
    )
    .withPanel(
      new stat.PanelBuilder()
        .title('Firing alerts')
        .description('Redline alerts currently firing for this service.')
        .datasource(DATASOURCE)
        .span(24)
        .height(4)
        .noValue('none')
        .withTarget(
          query(
            `sum by (alertname, severity) (ALERTS{${ctx.recordedMatcher},alertstate="firing"})`,
            '{{alertname}} ({{severity}})',
            'A',
          ),
        ),
    );

  // Only SLOs the rules were generated for: any other panel would query a
  // series no rule records and show "No data" as if the budget were unknown.
  const { slos } = validSlos(ctx);
  if (slos.length > 0) {
    builder.withRow(new RowBuilder('Error budget'));
    for (const v of slos) {
      builder.withPanel(
        new stat.PanelBuilder()
          .title(`Error budget remaining — ${measuredObjective(v)}`)
          .description(budgetDescription(v, m.durationHistogram))
          .datasource(DATASOURCE)
          .unit('percentunit')
          .span(Math.max(6, Math.floor(24 / slos.length)))
          .height(6)
          .thresholds(
            new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
              { value: null as unknown as number, color: 'red' },
              { value: 0, color: 'orange' },
              { value: 0.25, color: 'green' },
            ]),
          )
          .withTarget(
            query(
              budgetRemainingExpr(ctx.recordedMatcher, v.slo),
              'budget remaining',
              'A',
            ),
          ),
      );
    }
  }

  const values = { service, correlation_id: '', trace_id: '' };
  if (isHttpUrl(spec.links.logQueryUrl)) {
    builder.link(
      link('Logs', fillUrlTemplate(spec.links.logQueryUrl, values), 'doc'),
    );
  }
  if (isHttpUrl(spec.links.traceUrl)) {
    builder.link(
      link('Traces', fillUrlTemplate(spec.links.traceUrl, values), 'bolt'),
    );
  }
  if (isHttpUrl(spec.links.runbookUrl)) {
    builder.link(link('Runbook', spec.links.runbookUrl, 'info'));
  }
  builder.link(
    link('Service in portal', entityPageUrl(spec, config), 'external link'),
  );

  return builder.build();
}

/** `grafana-dashboard.json`, ready for Grafana's import or provisioning. @public */
export function renderGrafanaDashboardJson(
  dashboard: GrafanaDashboard,
): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
