/**
 * The confidence score, the checks and the metadata guide tell the same
 * story for every entity of the demo catalog.
 */
import { evaluateChecks } from '../check/evaluateChecks';
import { failingMetadataChecks } from '../check/metadataChecks';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { demoComponent, demoComponents } from './__testUtils__/demoCatalog';
import { describeEntity } from './describeEntity';
import { hasObservabilityMetadata } from './presence';

const describe_ = (name: string) =>
  describeEntity(demoComponent(name), DEFAULT_GENERATOR_CONFIG);

const penaltyOf = (name: string) =>
  describe_(name).artifacts.confidence.factors.find(f => f.id === 'errors');

describe('score, checks and guide agree on the demo catalog', () => {
  it.each(demoComponents().map(e => [e.metadata.name]))(
    '%s: the score takes off for exactly the failing metadata checks',
    name => {
      const { spec, artifacts, findings } = describe_(name);
      const failingChecks = evaluateChecks(spec, artifacts, {})
        .filter(c => c.id.startsWith('metadata.') && c.status === 'fail')
        .map(c => c.id);
      const counted = failingMetadataChecks(findings).map(c => c.id);
      expect([...counted].sort()).toEqual([...failingChecks].sort());
      // The penalty factor says how many it counted, and weighs that many.
      const penalty = penaltyOf(name);
      const said = penalty && {
        count: Number(
          /^(\d+) failing metadata checks? \(/.exec(penalty.detail)?.[1],
        ),
        weight: penalty.weight,
      };
      expect(said).toEqual(
        counted.length
          ? {
              count: counted.length,
              weight: -Math.min(0.25, 0.05 * counted.length),
            }
          : undefined,
      );
    },
  );

  it('legacy-billing loses nothing for findings: its only error is the receiver gap the pager factor weighs', () => {
    const { findings } = describe_('legacy-billing');
    expect(findings.filter(f => f.severity === 'error').map(f => f.id)).toEqual(
      ['alertmanager.no-receiver'],
    );
    expect(penaltyOf('legacy-billing')).toBeUndefined();
  });

  it('broken-annotations counts each failing check once', () => {
    const { spec, artifacts } = describe_('broken-annotations');
    const failing = evaluateChecks(spec, artifacts, {}).filter(
      c => c.id.startsWith('metadata.') && c.status === 'fail',
    );
    expect(failing.length).toBeGreaterThan(5);
    expect(penaltyOf('broken-annotations')?.detail).toContain(
      `${failing.length} failing metadata checks (`,
    );
  });

  it('an entity whose annotations are all invalid has metadata, one without any has none', () => {
    const broken = describe_('broken-annotations');
    expect(broken.spec.describedAnnotations).toEqual([]);
    expect(hasObservabilityMetadata(broken.spec)).toBe(true);
    expect(hasObservabilityMetadata(describe_('legacy-billing').spec)).toBe(
      false,
    );
  });
});
