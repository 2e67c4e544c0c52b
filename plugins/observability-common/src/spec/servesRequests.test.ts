import type { Entity } from '@backstage/catalog-model';
import { DEFAULT_GENERATOR_CONFIG, resolveGeneratorConfig } from './config';
import { parseSpec } from './parseSpec';
import { entityRole } from './servesRequests';

function component(type: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'thing', namespace: 'default', annotations },
    spec: { type, owner: 'group:default/team', lifecycle: 'production' },
  } as Entity;
}

describe('entityRole', () => {
  it('serves requests for the configured Component types only', () => {
    expect(entityRole(component('service'))).toEqual({
      componentType: 'service',
      servesRequests: true,
    });
    expect(entityRole(component('library')).servesRequests).toBe(false);
    expect(entityRole(component('website')).servesRequests).toBe(false);
    expect(entityRole(component('Website'), ['service', 'website'])).toEqual({
      componentType: 'website',
      servesRequests: true,
    });
  });

  it('takes other kinds and untyped Components to serve requests', () => {
    expect(
      entityRole({ kind: 'Resource', spec: { type: 'database' } }),
    ).toEqual({ servesRequests: true });
    expect(entityRole({ kind: 'Component', spec: {} })).toEqual({
      servesRequests: true,
    });
  });

  it('reads an entity without a kind as a Component, as parseSpec does', () => {
    for (const kind of [undefined, '', '  ', 42]) {
      const entity = { ...component('library'), kind } as unknown as Entity;
      expect(entityRole(entity)).toEqual({
        componentType: 'library',
        servesRequests: false,
      });
      expect(parseSpec(entity, DEFAULT_GENERATOR_CONFIG).spec).toMatchObject({
        componentType: 'library',
        servesRequests: false,
      });
    }
  });
});

describe('parseSpec of what serves no requests', () => {
  it('says what a library is, drops its SLOs with a warning and the SLO advice', () => {
    const { spec, findings } = parseSpec(
      component('library', { 'redline.dev/slo-availability': '99.9' }),
      DEFAULT_GENERATOR_CONFIG,
    );
    expect(spec).toMatchObject({
      componentType: 'library',
      servesRequests: false,
      slos: [],
    });
    expect(findings.map(f => [f.id, f.severity])).toEqual([
      ['entity.not-serving', 'info'],
      ['entity.not-serving-slo', 'warning'],
    ]);
    expect(findings[0].message).toMatch(/^This is a library, not a service/);
  });

  it('follows observability.servingComponentTypes', () => {
    const config = resolveGeneratorConfig({
      servingComponentTypes: ['service', 'website'],
    });
    const { spec, findings } = parseSpec(
      component('website', { 'redline.dev/slo-availability': '99.9' }),
      config,
    );
    expect(spec.servesRequests).toBe(true);
    expect(spec.slos).toHaveLength(1);
    expect(findings.map(f => f.id)).not.toContain('entity.not-serving');
  });
});
