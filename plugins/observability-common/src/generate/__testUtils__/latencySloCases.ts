/**
 * Latency SLOs whose threshold is, or is not, a histogram bucket: the cases
 * the artifact tests and the promtool tests of off-bucket SLOs share.
 */
import type { Entity } from '@backstage/catalog-model';
import { describeEntity } from '../../describe/describeEntity';
import { ANNOTATIONS } from '../../spec/annotations';
import { DEFAULT_GENERATOR_CONFIG } from '../../spec/config';

/** Default buckets: 0.01, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5. */
export const config = DEFAULT_GENERATOR_CONFIG;

export function entity(latencySlo: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: {
        [ANNOTATIONS.sloAvailability]: '99.9',
        [ANNOTATIONS.sloLatency]: latencySlo,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  };
}

export interface Case {
  name: string;
  slo: string;
  /** Live `le` values; absent: the configured buckets apply. */
  observed?: string[];
  /** The bucket the SLO must be measured at; absent: nothing is generated. */
  le?: number;
  finding?:
    | 'slo.latency-threshold-not-a-bucket'
    | 'slo.latency-threshold-below-buckets';
}

export const CASES: Case[] = [
  {
    name: 'below the lowest bucket',
    slo: '99% < 5ms',
    finding: 'slo.latency-threshold-below-buckets',
  },
  {
    name: 'between two buckets',
    slo: '99% < 400ms',
    le: 0.3,
    finding: 'slo.latency-threshold-not-a-bucket',
  },
  { name: 'exactly on a bucket', slo: '99% < 300ms', le: 0.3 },
  { name: 'on a bucket, spelled 0.30s', slo: '99% < 0.30s', le: 0.3 },
  {
    name: 'live buckets replace the configured ones',
    slo: '99% < 250ms',
    observed: ['0.1', '0.30', '0.5', '+Inf'],
    le: 0.1,
    finding: 'slo.latency-threshold-not-a-bucket',
  },
  {
    name: 'a live bucket spelled 0.30',
    slo: '99% < 300ms',
    observed: ['0.1', '0.30', '+Inf'],
    le: 0.3,
  },
  {
    name: 'live buckets all above the threshold',
    slo: '99% < 50ms',
    observed: ['0.1', '1', '+Inf'],
    finding: 'slo.latency-threshold-below-buckets',
  },
];

export function describeCase(c: Case) {
  return describeEntity(entity(c.slo), config, { observedBuckets: c.observed });
}
