import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_CHECKS,
  DEFAULT_GENERATORS,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
import type { Entity } from '@backstage/catalog-model';
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

  it('describes an entity version once', () => {
    const first = service.describe(entity('e1'));
    expect(service.describe(entity('e1'))).toBe(first);
  });

  it('describes again when the catalog stored a change', () => {
    const before = service.describe(entity('e2', '99.9'));
    const after = service.describe(entity('e3', '99.5'));
    expect(after).not.toBe(before);
    expect(after.spec.slos[0].objectivePercent).toBe(99.5);
  });

  it('does not keep entities without a version', () => {
    const unversioned = { ...entity('x'), metadata: { name: 'checkout' } };
    expect(service.describe(unversioned)).not.toBe(
      service.describe(unversioned),
    );
  });
});
