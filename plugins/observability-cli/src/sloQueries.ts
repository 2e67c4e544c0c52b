/**
 * `-common`'s {@link SloQueryApi} on the CLI's Prometheus access
 * (`prometheusApi`: Node's fetch, the same timeout and error wording as
 * `redline check`), so `redline budget` computes exactly what the tab shows.
 */
import {
  RuleIndex,
  type PrometheusApiRule,
  type PrometheusApiRuleGroup,
  type PromSample,
  type PromSeries,
  type SloQueryApi,
} from '@redline/backstage-plugin-observability-common';
import { prometheusApi } from './factSources';

type Labels = Record<string, string>;

const toNumber = (value: unknown): number =>
  typeof value === 'string' ? Number(value) : NaN;

/** The query API of one Prometheus for one run; its rules are read once and shared. */
export function cliSloQueries(prometheusUrl: string): SloQueryApi {
  const base = prometheusUrl.replace(/\/+$/, '');
  let rules: Promise<PrometheusApiRule[]> | undefined;
  const indexes = new Map<string, RuleIndex<PrometheusApiRule>>();
  return {
    async query(promql, time) {
      const params = new URLSearchParams({ query: promql, time: String(time) });
      const data = await prometheusApi<{
        result?: Array<{ metric?: Labels; value?: [number, string] }>;
      }>(base, `/api/v1/query?${params}`);
      // Absent means "no data": 0/0 at zero traffic is NaN, not a number.
      return (data?.result ?? [])
        .map(
          (s): PromSample => ({
            labels: s.metric ?? {},
            value: toNumber(s.value?.[1]),
          }),
        )
        .filter(s => Number.isFinite(s.value));
    },
    async queryRange(promql, range) {
      const params = new URLSearchParams({
        query: promql,
        start: String(range.start),
        end: String(range.end),
        step: String(range.stepSeconds),
      });
      const data = await prometheusApi<{
        result?: Array<{ metric?: Labels; values?: Array<[number, string]> }>;
      }>(base, `/api/v1/query_range?${params}`);
      return (data?.result ?? []).map(
        (s): PromSeries => ({
          labels: s.metric ?? {},
          points: (s.values ?? [])
            .map(([t, v]) => [t, toNumber(v)] as [number, number])
            .filter(([, v]) => Number.isFinite(v)),
        }),
      );
    },
    async serviceRules(spec) {
      rules ??= prometheusApi<{ groups?: PrometheusApiRuleGroup[] }>(
        base,
        '/api/v1/rules',
      ).then(data => (data?.groups ?? []).flatMap(g => g.rules ?? []));
      const all = await rules;
      const label = spec.metrics.serviceLabel;
      let index = indexes.get(label);
      if (!index) indexes.set(label, (index = new RuleIndex(all, label)));
      return index.forService(spec);
    },
  };
}
