import type { Entity } from '@backstage/catalog-model';
import { describeEntity } from '../describe/describeEntity';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { FactCycle } from './FactCycle';
import type { FactSources } from './sources';

const config = DEFAULT_GENERATOR_CONFIG;
const HISTOGRAM = 'http_request_duration_seconds_bucket';

function entity(name: string, latencySlo?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'redline.dev/service-name': name,
        ...(latencySlo ? { 'redline.dev/slo-latency': latencySlo } : {}),
      },
    },
    spec: { type: 'service', owner: 'group:default/payments' },
  };
}

/** `group by (le, service) (…_bucket)` as Prometheus would answer it. */
const BUCKET_SETS = [
  ...['0.1', '0.4', '0.400', '+Inf'].map(le => ({ le, service: 'checkout' })),
  ...['0.1', '0.3', '0.5', '+Inf'].map(le => ({ le, service: 'cart' })),
  ...['0.25', '0.5', '+Inf'].map(le => ({ le, service: 'search' })),
];

function bucketSources(answer: () => Promise<Array<Record<string, string>>>) {
  const asked: Array<{ metric: string; labels: string[] }> = [];
  const sources: FactSources = {
    bucketLabelSets: async (_instance, metric, labels) => {
      asked.push({ metric, labels });
      return answer();
    },
  };
  return { sources, asked };
}

/** Runs the shared path, recording whether it re-described. */
async function measure(cycle: FactCycle, e: Entity) {
  let redescribed: string[] | undefined;
  const { description } = await cycle.gatherAtLiveBuckets(
    describeEntity(e, config),
    observedBuckets => {
      redescribed = observedBuckets;
      return describeEntity(e, config, { observedBuckets });
    },
  );
  const offBucket = description.findings.find(
    f => f.id === 'slo.latency-threshold-not-a-bucket',
  );
  return { description, redescribed, offBucket };
}

describe('FactCycle and the buckets a service exposes', () => {
  it("filters one shared answer by each entity's selector", async () => {
    const { sources, asked } = bucketSources(async () => BUCKET_SETS);
    const cycle = new FactCycle(sources, { batch: true });
    const found = await Promise.all(
      ['checkout', 'cart', 'search', 'unknown'].map(name =>
        cycle.observedBuckets(describeEntity(entity(name), config)),
      ),
    );
    expect(found).toEqual([
      ['0.1', '0.4'],
      ['0.1', '0.3', '0.5'],
      ['0.25', '0.5'],
      undefined,
    ]);
    expect(asked).toEqual([{ metric: HISTOGRAM, labels: ['service'] }]);
  });

  it('measures a latency SLO at the live bucket, re-describing only when that changes something', async () => {
    const { sources } = bucketSources(async () => BUCKET_SETS);
    const cycle = new FactCycle(sources, { batch: true });

    // 400ms is between the configured 0.3 and 0.5; checkout exposes 0.4.
    const checkout = await measure(cycle, entity('checkout', '99% < 400ms'));
    expect(checkout.redescribed).toEqual(['0.1', '0.4']);
    expect(checkout.offBucket).toBeUndefined();
    expect(JSON.stringify(checkout.description.artifacts.rules)).toContain(
      'le=\\"0.4\\"',
    );

    // cart exposes 0.3 and 0.5: measured at 0.3, naming its real buckets.
    const cart = await measure(cycle, entity('cart', '99% < 400ms'));
    expect(cart.offBucket?.message).toContain('le="0.3"');
    expect(cart.offBucket?.expected).toContain(
      'the buckets Prometheus reports',
    );

    // 500ms is a bucket both configured and live: nothing to redo.
    const search = await measure(cycle, entity('search', '99% < 500ms'));
    expect(search.redescribed).toBeUndefined();
  });

  it('keeps the configured buckets when Prometheus cannot say, and asks nothing without a latency SLO', async () => {
    const down = bucketSources(async () => {
      throw new Error('prometheus:default: connection refused');
    });
    const cycle = new FactCycle(down.sources);
    const e = entity('checkout', '99% < 400ms');
    expect(
      await cycle.observedBuckets(describeEntity(e, config)),
    ).toBeUndefined();
    const measured = await measure(cycle, e);
    expect(measured.redescribed).toBeUndefined();
    expect(measured.offBucket?.message).toContain('le="0.3"');

    const quiet = bucketSources(async () => BUCKET_SETS);
    await measure(new FactCycle(quiet.sources), entity('checkout'));
    expect(quiet.asked).toEqual([]);
  });
});
