import { makeSpec } from '../generate/__testUtils__/makeSpec';
import type { ObservabilitySpec } from '../spec/types';
import { findSelectorCollisions } from './catalogCollisions';

function entity(
  namespace: string,
  name: string,
  selector: string,
  serviceName = name,
): { spec: ObservabilitySpec } {
  return {
    spec: makeSpec({
      entityRef: `component:${namespace}/${name}`,
      namespace,
      name,
      serviceName: { value: serviceName, source: 'default' },
      selector: { value: selector, source: 'annotation' },
    }),
  };
}

const ids = (found: ReturnType<typeof findSelectorCollisions>) =>
  found.map(f => [f.id, f.severity, ...f.entityRefs]);

describe('findSelectorCollisions', () => {
  it('finds nothing for same-named services of two namespaces with their own series', () => {
    expect(
      findSelectorCollisions([
        entity('ns1', 'dup', 'service="dup",namespace="ns1"'),
        entity('ns2', 'dup', 'service="dup",namespace="ns2"'),
      ]),
    ).toEqual([]);
  });

  it('names both entities when their selectors are the same', () => {
    const found = findSelectorCollisions([
      entity('ns1', 'dup', 'service="dup"'),
      entity('ns2', 'dup', 'service="dup"'),
    ]);
    expect(ids(found)).toEqual([
      [
        'catalog.selector-overlap',
        'warning',
        'component:ns1/dup',
        'component:ns2/dup',
      ],
    ]);
    expect(found[0].message).toContain('the same metrics selector');
    expect(found[0].annotation).toBe('redline.dev/metrics-selector');
  });

  it('reports series recorded twice as an error', () => {
    const found = findSelectorCollisions([
      entity('default', 'checkout', 'service="checkout"'),
      entity(
        'default',
        'checkout-v2',
        'service="checkout",version="2"',
        'checkout',
      ),
    ]);
    expect(ids(found)).toEqual([
      [
        'catalog.recorded-series-collision',
        'error',
        'component:default/checkout',
        'component:default/checkout-v2',
      ],
      [
        'catalog.selector-overlap',
        'warning',
        'component:default/checkout',
        'component:default/checkout-v2',
      ],
    ]);
    expect(found[0].message).toContain('duplicates');
  });

  it('warns when a default-namespace service also queries a namespaced one', () => {
    const found = findSelectorCollisions([
      entity('default', 'dup', 'service="dup",env="prod"'),
      entity('ns1', 'dup', 'service="dup",env="dev"'),
    ]);
    expect(ids(found)).toEqual([
      [
        'catalog.recorded-series-overlap',
        'warning',
        'component:default/dup',
        'component:ns1/dup',
      ],
    ]);
    expect(found[0].message).toMatch(
      /^The alerts and dashboard of component:default\/dup also select/,
    );
  });

  it('sees an overlap that only a series with both selectors’ labels shows', () => {
    expect(
      ids(
        findSelectorCollisions([
          entity('default', 'a', 'job="api",env=~"prod|staging"'),
          entity('default', 'b', 'job="api",env="prod"'),
          entity('default', 'c', 'job="api",env="dev"'),
        ]),
      ),
    ).toEqual([
      [
        'catalog.selector-overlap',
        'warning',
        'component:default/a',
        'component:default/b',
      ],
    ]);
  });

  it('ignores entities that measure different metrics', () => {
    const other = entity('ns2', 'dup', 'service="dup"');
    other.spec = {
      ...other.spec,
      metrics: { ...other.spec.metrics, requestsTotal: 'grpc_requests_total' },
    };
    expect(
      findSelectorCollisions([entity('ns1', 'dup', 'service="dup"'), other]),
    ).toEqual([]);
  });
});
