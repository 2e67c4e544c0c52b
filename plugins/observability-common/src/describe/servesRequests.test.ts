/** Libraries and websites of the demo catalog are described for what they are. */
import { evaluateChecks } from '../check/evaluateChecks';
import { DEFAULT_GENERATOR_CONFIG } from '../spec/config';
import { demoComponent, demoComponents } from './__testUtils__/demoCatalog';
import { describeEntity } from './describeEntity';

const describeDemo = (name: string) =>
  describeEntity(demoComponent(name), DEFAULT_GENERATOR_CONFIG);

describe('what serves no requests gets no RED targets, SLOs or alerts', () => {
  it.each([
    ['analytics-sdk', 'library'],
    ['search-web', 'website'],
  ])('%s (a %s)', (name, type) => {
    const { spec, redTargets, artifacts, findings } = describeDemo(name);
    expect(spec).toMatchObject({ componentType: type, servesRequests: false });
    expect(spec.slos).toEqual([]);
    expect(redTargets).toEqual([]);
    expect(artifacts.alerts).toEqual([]);
    expect(artifacts.rules.groups).toEqual([]);
    expect(artifacts.files).toEqual([]);
    expect(findings.map(f => f.id)).toContain('entity.not-serving');

    const checks = evaluateChecks(spec, artifacts, { ownerExists: true });
    expect(checks.map(c => [c.id, c.status])).toEqual([
      ['ownership.owner-exists', 'pass'],
      ['metadata.serves-requests', 'pass'],
    ]);
    expect(checks[1].message).toBe(
      `${type} — no RED targets: only Components whose spec.type is in observability.servingComponentTypes get RED targets, SLOs and alerts.`,
    );
  });

  it('every service of the demo catalog keeps its RED targets and alerts', () => {
    const services = demoComponents().filter(e => e.spec?.type === 'service');
    expect(services.length).toBeGreaterThan(20);
    for (const entity of services) {
      const { spec, redTargets, artifacts } = describeEntity(
        entity,
        DEFAULT_GENERATOR_CONFIG,
      );
      expect(spec.servesRequests).toBe(true);
      expect(redTargets.length).toBeGreaterThan(0);
      expect(artifacts.alerts.length).toBeGreaterThan(0);
    }
  });
});
