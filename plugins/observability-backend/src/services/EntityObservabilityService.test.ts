import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { backgroundContext } from '../telemetry/context';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_CHECKS,
  DEFAULT_GENERATORS,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
import type { Entity } from '@backstage/catalog-model';
import fc from 'fast-check';
import { EntityObservabilityService } from './EntityObservabilityService';

function entity(etag: string, slo = '99.9'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      uid: 'uid-1',
      etag,
      annotations: { 'redline.dev/slo-availability': slo },
    },
    spec: { type: 'service', owner: 'group:default/payments' },
  };
}

describe('EntityObservabilityService.describe', () => {
  const service = EntityObservabilityService.create({
    catalog: catalogServiceMock(),
    generator: resolveGeneratorConfig({}),
    generators: DEFAULT_GENERATORS,
    checks: DEFAULT_CHECKS,
  });

  it('describes anew on every call, with the same result', () => {
    const first = service.describe(entity('e1'));
    const again = service.describe(entity('e1'));
    // Never kept (see `describe`), so never shared either.
    expect(again).not.toBe(first);
    expect(again.spec).toEqual(first.spec);
    expect(again.artifacts.rules).toEqual(first.artifacts.rules);
  });

  it('follows what the catalog stored', () => {
    const before = service.describe(entity('e2', '99.9'));
    const after = service.describe(entity('e3', '99.5'));
    expect(before.spec.slos[0].objectivePercent).toBe(99.9);
    expect(after.spec.slos[0].objectivePercent).toBe(99.5);
  });

  it('measures latency SLOs at the observed buckets when given', () => {
    const latency = entity('e4');
    latency.metadata.annotations!['redline.dev/slo-latency'] = '99% < 400ms';
    const configured = service.describe(latency);
    const observed = service.describe(latency, {
      observedBuckets: ['0.1', '0.4'],
    });
    expect(observed.spec.metrics.histogramBuckets).toEqual([0.1, 0.4]);
    expect(configured.spec.metrics.histogramBuckets).not.toEqual([0.1, 0.4]);
  });
});

describe('EntityObservabilityService.servesRequests', () => {
  const kinds = fc.constantFrom(
    undefined,
    '',
    ' ',
    42,
    'Component',
    ' component ',
    'COMPONENT',
    'API',
    'Resource',
  );
  const types = fc.constantFrom(
    undefined,
    7,
    '',
    'service',
    ' Service ',
    'library',
    'website',
    'worker',
    'grpc-service',
  );
  const servingTypes = fc.constantFrom<string[] | undefined>(
    undefined,
    [],
    ['service'],
    ['Service', 'worker'],
    ['website'],
  );

  it('answers as describing the entity would, without describing it', () => {
    fc.assert(
      fc.property(kinds, types, servingTypes, (kind, type, serving) => {
        const service = EntityObservabilityService.create({
          catalog: catalogServiceMock(),
          generator: {
            ...resolveGeneratorConfig({}),
            ...(serving ? { servingComponentTypes: serving } : {}),
          },
          generators: DEFAULT_GENERATORS,
          checks: DEFAULT_CHECKS,
        });
        const subject = {
          apiVersion: 'backstage.io/v1alpha1',
          kind,
          metadata: { name: 'subject', namespace: 'default' },
          spec: { owner: 'group:default/payments', type },
        } as unknown as Entity;
        expect(service.servesRequests(subject)).toBe(
          service.describe(subject).spec.servesRequests,
        );
      }),
      { numRuns: 400 },
    );
  });
});

describe('EntityObservabilityService.loadForView', () => {
  const ref = { kind: 'component', namespace: 'default', name: 'checkout' };
  const ctx = () => backgroundContext(mockServices.logger.mock());

  function setup() {
    let now = 0;
    const reads: string[] = [];
    const catalog = {
      async getEntityByRef(_ref: unknown, { credentials }: any) {
        reads.push(credentials.principal.userEntityRef);
        return entity(`e${reads.length}`);
      },
    };
    const service = EntityObservabilityService.create({
      catalog: catalog as any,
      generator: resolveGeneratorConfig({}),
      generators: DEFAULT_GENERATORS,
      checks: DEFAULT_CHECKS,
      viewedEntityTtlMs: 10_000,
      now: () => now,
    });
    return { service, reads, advance: (ms: number) => (now += ms) };
  }

  it("serves one caller's views from one catalog read within the TTL, never another caller's", async () => {
    const { service, reads, advance } = setup();
    const alice = mockCredentials.user('user:default/alice');
    const bob = mockCredentials.user('user:default/bob');
    const first = await service.loadForView(ref, alice, ctx());
    expect(await service.loadForView(ref, alice, ctx())).toBe(first);
    await service.loadForView(ref, bob, ctx());
    expect(reads).toEqual(['user:default/alice', 'user:default/bob']);
    // Past the TTL the kept entity still serves at once while one read
    // fetches the next, which later views get.
    advance(10_001);
    expect(await service.loadForView(ref, alice, ctx())).toBe(first);
    let later = first;
    for (let i = 0; i < 100 && later === first; i++) {
      await new Promise(resolve => setTimeout(resolve, 10));
      later = await service.loadForView(ref, alice, ctx());
    }
    expect(later.metadata.etag).toBe('e3');
    expect(reads).toHaveLength(3);
    // One TTL after that, the entity is too old to show: the view waits.
    advance(20_001);
    const fresh = await service.loadForView(ref, alice, ctx());
    expect(fresh.metadata.etag).toBe('e4');
  });

  it('reads afresh for writes (load)', async () => {
    const { service, reads } = setup();
    const alice = mockCredentials.user('user:default/alice');
    await service.loadForView(ref, alice, ctx());
    await service.load(ref, alice);
    expect(reads).toHaveLength(2);
  });

  it('does not keep "not found"', async () => {
    let exists = false;
    const service = EntityObservabilityService.create({
      catalog: {
        getEntityByRef: async () => (exists ? entity('e1') : undefined),
      } as any,
      generator: resolveGeneratorConfig({}),
      generators: DEFAULT_GENERATORS,
      checks: DEFAULT_CHECKS,
      viewedEntityTtlMs: 10_000,
    });
    const alice = mockCredentials.user('user:default/alice');
    await expect(service.loadForView(ref, alice, ctx())).rejects.toThrow(
      "No entity found for ref 'component:default/checkout'",
    );
    exists = true;
    await expect(service.loadForView(ref, alice, ctx())).resolves.toEqual(
      entity('e1'),
    );
  });
});

describe('EntityObservabilityService.fingerprint', () => {
  const service = (
    overrides: Partial<Parameters<typeof EntityObservabilityService.create>[0]>,
  ) =>
    EntityObservabilityService.create({
      catalog: catalogServiceMock(),
      generator: resolveGeneratorConfig({}),
      generators: DEFAULT_GENERATORS,
      checks: DEFAULT_CHECKS,
      ...overrides,
    }).fingerprint;

  it('is the same for the same configuration, generators and checks, in any process', () => {
    expect(service({})).toBe(service({}));
  });

  it('changes with the configuration, the generators or the checks', () => {
    const base = service({});
    expect(
      service({
        generator: resolveGeneratorConfig({ servingComponentTypes: ['api'] }),
      }),
    ).not.toBe(base);
    expect(service({ generators: DEFAULT_GENERATORS.slice(1) })).not.toBe(base);
    expect(
      service({
        checks: [
          ...DEFAULT_CHECKS,
          { id: 'acme.owner-on-call', evaluate: () => [] },
        ],
      }),
    ).not.toBe(base);
  });
});
