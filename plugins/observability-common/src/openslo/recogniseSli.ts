/**
 * Which of Redline's SLIs an OpenSLO SLI is: its Prometheus queries must be
 * the ones Redline's rules are generated from for this entity (see
 * `./sliQueries`), else the reason it is not.
 */
import { roundNumber } from '../spec/annotationSchemas';
import { leMatcher } from '../generate/redRecordingRules';
import { LATENCY_THRESHOLD_ANNOTATION } from './exportOpenSlo';
import type { ImportContext } from './importContext';
import type { OpenSloOf, OpenSloSliSpec } from './schema';
import {
  availabilityQueries,
  latencyGoodPrefix,
  latencyQueries,
  sameQuery,
} from './sliQueries';

export type Sli = {
  name: string;
  spec: OpenSloSliSpec;
  annotations: Record<string, string>;
};

/** The Prometheus query of a metric source, or why it cannot be one. */
function prometheusQuery(
  ctx: ImportContext,
  source: {
    metricSourceRef?: string;
    type?: string;
    spec: Record<string, unknown>;
  },
): { query: string } | { problem: string } {
  let type = source.type;
  if (type === undefined && source.metricSourceRef !== undefined) {
    const dataSource = ctx.find('DataSource', source.metricSourceRef);
    if (!dataSource)
      return {
        problem: `it names DataSource "${source.metricSourceRef}", which is not among the documents`,
      };
    type = dataSource.spec.type;
  }
  if (type?.toLowerCase() !== 'prometheus')
    return {
      problem: `its metric source is of type "${type}", and Redline generates Prometheus rules only`,
    };
  const query = source.spec.query;
  return typeof query === 'string'
    ? { query }
    : { problem: 'its Prometheus metric source has no spec.query string' };
}

/** The threshold a latency `good` query's bucket matcher stands for, if it is one Redline writes or `le="<number>"`. */
function bucketOfMatcher(matcher: string): number | undefined {
  const plain = /^le="([^"]+)"$/.exec(matcher);
  if (plain) {
    const n = Number(plain[1]);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  }
  const regex = /^le=~"(.+)"$/.exec(matcher);
  if (!regex) return undefined;
  const candidate = Number(
    regex[1]
      .replace(/\(\?:\\\\\.0\*\)\?$/, '')
      .replace(/0\*$/, '')
      .replace(/\\\\/g, ''),
  );
  return Number.isFinite(candidate) &&
    candidate > 0 &&
    leMatcher(candidate) === matcher
    ? candidate
    : undefined;
}

type Recognised =
  | { slo: 'availability' }
  | { slo: 'latency'; thresholdSeconds: number }
  | { problem: string };

export function recognise(ctx: ImportContext, sli: Sli): Recognised {
  const { metrics, selector } = ctx.target;
  if (sli.spec.thresholdMetric)
    return {
      problem:
        'it is a thresholdMetric; Redline generates ratio SLIs (good or bad over total) only',
    };
  const ratio = sli.spec.ratioMetric!;
  if (ratio.raw)
    return {
      problem:
        'it reads a precomputed ratio (raw); Redline needs the good or bad and total counters',
    };
  if (ratio.counter === false)
    return {
      problem:
        'its queries are not counters (counter: false); Redline takes rates of counters',
    };
  const queries: Record<string, string> = {};
  for (const part of ['good', 'bad', 'total'] as const) {
    const source = ratio[part]?.metricSource;
    if (!source) continue;
    const read = prometheusQuery(ctx, source);
    if ('problem' in read)
      return { problem: `its ${part} query cannot be used: ${read.problem}` };
    queries[part] = read.query;
  }
  const availability = availabilityQueries(metrics, selector);
  if (
    queries.bad !== undefined &&
    sameQuery(queries.bad, availability.bad!) &&
    sameQuery(queries.total, availability.total)
  )
    return { slo: 'availability' };
  const prefix = latencyGoodPrefix(metrics, selector);
  const good = queries.good?.replace(/\s+/g, '');
  if (
    good !== undefined &&
    good.startsWith(prefix.replace(/\s+/g, '')) &&
    good.endsWith('})')
  ) {
    const bucket = bucketOfMatcher(
      good.slice(prefix.replace(/\s+/g, '').length, -2),
    );
    const total = latencyQueries(metrics, selector, bucket ?? 1).total;
    if (bucket !== undefined && sameQuery(queries.total, total)) {
      const declared = Number(sli.annotations[LATENCY_THRESHOLD_ANNOTATION]);
      const thresholdSeconds =
        Number.isFinite(declared) && declared >= bucket ? declared : bucket;
      return {
        slo: 'latency',
        thresholdSeconds: roundNumber(thresholdSeconds),
      };
    }
  }
  const expectedLatency = latencyQueries(metrics, selector, 0.3);
  return {
    problem: `its queries are not the ones Redline generates rules from for this entity: availability is bad ${JSON.stringify(
      availability.bad,
    )} over total ${JSON.stringify(
      availability.total,
    )}; latency is good ${JSON.stringify(
      expectedLatency.good,
    )} (at a bucket) over total ${JSON.stringify(expectedLatency.total)}`,
  };
}

export function resolveSli(
  ctx: ImportContext,
  slo: OpenSloOf<'SLO'>,
): Sli | undefined {
  if (slo.spec.indicator) {
    return {
      name: slo.spec.indicator.metadata.name,
      spec: slo.spec.indicator.spec,
      annotations: slo.spec.indicator.metadata.annotations ?? {},
    };
  }
  const ref = slo.spec.indicatorRef!;
  const sli = ctx.find('SLI', ref);
  if (!sli) {
    ctx.note(
      'openslo.unresolved',
      'error',
      `SLO "${slo.metadata.name}" names SLI "${ref}", which is not among the documents; no rules were generated for it.`,
      ref,
    );
    return undefined;
  }
  return {
    name: ref,
    spec: sli.spec,
    annotations: sli.metadata.annotations ?? {},
  };
}
