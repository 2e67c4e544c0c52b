import type { Entity } from '@backstage/catalog-model';
import type { EntityFacts } from '@redline/backstage-plugin-observability-common';
import { entityVersion, factsFingerprint } from './RememberedRows';

describe('factsFingerprint', () => {
  const facts = (): EntityFacts => ({
    ownerExists: true,
    metrics: { status: 'ok', present: ['a'], missing: ['b'] },
    deployedRules: { status: 'ok', loadedAlerts: ['X'], loadedRecords: [] },
  });

  it('is equal for equal facts held in other objects, in any key order', () => {
    const { deployedRules, ...rest } = facts();
    expect(factsFingerprint({ deployedRules, ...rest })).toBe(
      factsFingerprint(facts()),
    );
  });

  it('differs when any fact differs', () => {
    const base = factsFingerprint(facts());
    expect(factsFingerprint({ ...facts(), ownerExists: false })).not.toBe(base);
    expect(
      factsFingerprint({
        ...facts(),
        deployedRules: {
          status: 'ok',
          loadedAlerts: ['X', 'Y'],
          loadedRecords: [],
        },
      }),
    ).not.toBe(base);
    expect(
      factsFingerprint({
        ...facts(),
        firingAlerts: { status: 'unknown', reason: 'timeout' },
      }),
    ).not.toBe(base);
  });

  it('stays short for a large shared answer', () => {
    const big = {
      status: 'ok',
      rules: 'x'.repeat(100_000),
    } as unknown as EntityFacts['alertmanagerConfig'];
    expect(
      factsFingerprint({ ...facts(), alertmanagerConfig: big }).length,
    ).toBeLessThan(400);
    // One hash of every fact, whatever their size.
    expect(factsFingerprint(facts())).toHaveLength(28);
  });
});

describe('entityVersion', () => {
  const entity = (annotations: Record<string, string>, etag?: string) =>
    ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'a',
        annotations,
        ...(etag ? { uid: 'u1', etag } : {}),
      },
    } as Entity);

  it("follows the catalog's etag when there is one", () => {
    expect(entityVersion(entity({ x: '1' }, 'e1'))).toBe(
      entityVersion(entity({ x: '2' }, 'e1')),
    );
    expect(entityVersion(entity({}, 'e1'))).not.toBe(
      entityVersion(entity({}, 'e2')),
    );
  });

  it('hashes the entity when content was read in beside it', () => {
    expect(entityVersion(entity({ x: '1' }, 'e1'), { readIn: true })).not.toBe(
      entityVersion(entity({ x: '2' }, 'e1'), { readIn: true }),
    );
  });

  it('hashes the entity when the catalog gave no etag', () => {
    expect(entityVersion(entity({ x: '1' }))).toBe(
      entityVersion(entity({ x: '1' })),
    );
    expect(entityVersion(entity({ x: '1' }))).not.toBe(
      entityVersion(entity({ x: '2' })),
    );
  });
});
